import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CONFIG_SECTION } from '../../../src/vscode/ids';
import { activeExtension } from './helpers';

describe('configuration (in host)', () => {
  afterEach(async () => {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
    await config.update('maxConcurrency', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('tier', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('declares every setting with its default', async () => {
    const ext = await activeExtension();
    const declared = Object.keys(ext.packageJSON.contributes.configuration.properties as object);
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
    for (const key of declared) {
      const short = key.slice(CONFIG_SECTION.length + 1);
      assert.notEqual(config.inspect(short)?.defaultValue, undefined, `${key} has no default in this host`);
    }
  });

  it('sees a settings change while running and keeps working', async () => {
    await activeExtension();
    const changed = new Promise<vscode.ConfigurationChangeEvent>((resolve) => {
      const sub = vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${CONFIG_SECTION}.maxConcurrency`)) {
          sub.dispose();
          resolve(e);
        }
      });
    });
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update('maxConcurrency', 3, vscode.ConfigurationTarget.Workspace);
    await changed;
    assert.equal(vscode.workspace.getConfiguration(CONFIG_SECTION).get('maxConcurrency'), 3);
    // the extension must survive the change: its commands still run
    await vscode.commands.executeCommand('convforge.validate');
  });

  it('rejects nothing silently: an invalid tier leaves the extension usable', async () => {
    await activeExtension();
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update('tier', 'platinum', vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('convforge.validate');
  });
});
