import * as assert from 'node:assert/strict';
import { CATEGORY, COMMANDS, DATASET_COMMANDS, PANEL_VIEW_TYPE, VIEWER_VIEW_TYPE } from '../../src/vscode/ids';

interface Pkg {
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category: string }[];
    customEditors: { viewType: string; priority: string; selector: { filenamePattern: string }[] }[];
    menus: Record<string, { command: string; when?: string }[]>;
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../../package.json') as Pkg;

describe('package.json contributes match ids.ts', () => {
  it('declares exactly the commands of ids.ts, with their titles and category', () => {
    const declared = pkg.contributes.commands.map((c) => ({ id: c.command, title: c.title, category: c.category }));
    const expected = [...Object.values(COMMANDS), ...Object.values(DATASET_COMMANDS)].map((c) => ({
      id: c.id,
      title: c.title,
      category: CATEGORY,
    }));
    assert.deepEqual(
      [...declared].sort((a, b) => a.id.localeCompare(b.id)),
      [...expected].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('offers the dataset viewer as an option for *.jsonl (the text editor stays the default), and in the Explorer menu', () => {
    const viewer = pkg.contributes.customEditors.find((e) => e.viewType === VIEWER_VIEW_TYPE);
    assert.equal(viewer?.priority, 'option');
    assert.deepEqual(
      viewer?.selector.map((s) => s.filenamePattern),
      ['*.jsonl'],
    );
    const explorer = pkg.contributes.menus['explorer/context'] ?? [];
    for (const c of Object.values(DATASET_COMMANDS)) {
      assert.ok(
        explorer.some((m) => m.command === c.id && m.when?.split(' || ')[0] === 'resourceExtname == .jsonl'),
        c.id,
      );
    }
    // The report also takes a folder (its datasets) and a prompt file (the datasets it writes).
    const report = explorer.find((m) => m.command === DATASET_COMMANDS.showReport.id)!;
    assert.deepEqual(report.when?.split(' || '), [
      'resourceExtname == .jsonl',
      'explorerResourceIsFolder',
      'resourceFilename =~ /\\.forge\\.ya?ml$/',
    ]);
  });

  it('activates on prompt files and the queue panel (commands activate implicitly since VS Code 1.74)', () => {
    assert.ok(pkg.activationEvents.includes('workspaceContains:**/*.forge.yaml'));
    assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${PANEL_VIEW_TYPE}`));
  });
});
