import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ForgeApi } from '../../../src/extension';
import { CONFIG_SECTION } from '../../../src/vscode/ids';
import { activeExtension, extensionApi, until } from './helpers';

const target = vscode.ConfigurationTarget.Workspace;

describe('configuration (in host)', () => {
  afterEach(async () => {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
    for (const key of ['maxConcurrency', 'tier', 'budgetUsd']) await config.update(key, undefined, target);
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

  it('picks up a settings change without a reload', async () => {
    const api = await extensionApi<ForgeApi>();
    assert.ok(api, 'activate() returns no API');
    assert.equal(api.config().maxConcurrency, undefined);
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update('maxConcurrency', 3, target);
    await until('maxConcurrency 3 in the extension', () => (api.config().maxConcurrency === 3 ? true : undefined));
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update('tier', 'scale', target);
    await until('tier scale in the extension', () => (api.config().tier === 'scale' ? true : undefined));
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update('budgetUsd', 2.5, target);
    await until('budget 2.5 in the extension', () => (api.config().budgetUsd === 2.5 ? true : undefined));
  });

  it('falls back to the default for an invalid value and keeps working', async () => {
    const api = await extensionApi<ForgeApi>();
    assert.ok(api);
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update('tier', 'platinum', target);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(api.config().tier, 'start', 'an invalid tier must leave the default in place');
    // (not the Validate command: it resolves only when its summary notification is dismissed)
    await api.validateNow();
  });
});
