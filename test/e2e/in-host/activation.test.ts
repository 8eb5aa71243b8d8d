import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS, DATASET_COMMANDS, EXTENSION_ID } from '../../../src/vscode/ids';
import { activeExtension } from './helpers';

const ALL_COMMANDS = [...Object.values(COMMANDS), ...Object.values(DATASET_COMMANDS)];

describe('activation and commands (in host)', () => {
  it('is loaded and activates without throwing', async () => {
    const ext = await activeExtension();
    assert.equal(ext.id, EXTENSION_ID);
    assert.equal(ext.isActive, true);
  });

  it("contributes exactly the commands in ids.ts (the dataset viewer's included)", async () => {
    const ext = await activeExtension();
    const contributed = (ext.packageJSON.contributes.commands as { command: string; title: string }[])
      .map((c) => `${c.command}=${c.title}`)
      .sort();
    const expected = ALL_COMMANDS.map((c) => `${c.id}=${c.title}`).sort();
    assert.deepEqual(contributed, expected);
  });

  it('registers a handler for every command id in ids.ts', async () => {
    await activeExtension();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = ALL_COMMANDS.map((c) => c.id).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `commands contributed but not registered: ${missing.join(', ')}`);
  });

  it('Validate Prompt Files returns while its error notification is still open', async function () {
    // A command that awaited its notification would never return; 15 s tells that apart from a
    // slow machine (at load 18 validating the fixture took over 5 s, the deadline then).
    this.timeout(30_000);
    // the fixture workspace holds broken.forge.yaml: the summary is an error with Show Problems
    await activeExtension();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        vscode.commands.executeCommand(COMMANDS.validate.id),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('Validate Prompt Files did not return while its notification was open')), 15_000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });
});
