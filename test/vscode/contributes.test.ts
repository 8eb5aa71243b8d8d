import * as assert from 'node:assert/strict';
import { CATEGORY, COMMANDS, PANEL_VIEW_TYPE } from '../../src/vscode/ids';

interface Pkg {
  activationEvents: string[];
  contributes: { commands: { command: string; title: string; category: string }[] };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../../package.json') as Pkg;

describe('package.json contributes match ids.ts', () => {
  it('declares exactly the commands of ids.ts, with their titles and category', () => {
    const declared = pkg.contributes.commands.map((c) => ({ id: c.command, title: c.title, category: c.category }));
    const expected = Object.values(COMMANDS).map((c) => ({ id: c.id, title: c.title, category: CATEGORY }));
    assert.deepEqual(
      [...declared].sort((a, b) => a.id.localeCompare(b.id)),
      [...expected].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('activates on prompt files and the queue panel (commands activate implicitly since VS Code 1.74)', () => {
    assert.ok(pkg.activationEvents.includes('workspaceContains:**/*.forge.yaml'));
    assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${PANEL_VIEW_TYPE}`));
  });
});
