import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ForgeApi } from '../../../src/extension';
import { COMMANDS, PANEL_VIEW_TYPE } from '../../../src/vscode/ids';
import { extensionApi, until } from './helpers';

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(PANEL_VIEW_TYPE));
}

describe('secrets (in host)', () => {
  it('Set API Key cancelled from its input box stores nothing and does not hang', async () => {
    await extensionApi<ForgeApi>();
    const running = vscode.commands.executeCommand(COMMANDS.setApiKey.id);
    await new Promise((r) => setTimeout(r, 500));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await Promise.race([
      running,
      new Promise((_, reject) => setTimeout(() => reject(new Error('Set API Key did not return after its input box closed')), 5_000)),
    ]);
  });

  it('Clear API Key runs without a prompt and leaves the extension usable', async () => {
    await vscode.commands.executeCommand(COMMANDS.clearApiKey.id);
    const api = await extensionApi<ForgeApi>();
    await api!.validateNow();
  });

  it('SecretStorage round trip: a stored key wins over the environment; cleared, the environment key is used again', async () => {
    const api = await extensionApi<ForgeApi>();
    assert.ok(api);
    // the launcher starts the host with ANTHROPIC_API_KEY set
    assert.equal(await api.apiKeySource(), 'env');
    await api.apiKey.set(['sk-ant', 'in-host-round-trip-0000000000'].join('-'));
    assert.equal(await api.apiKeySource(), 'secret');
    await vscode.commands.executeCommand(COMMANDS.clearApiKey.id);
    assert.equal(await api.apiKeySource(), 'env');
    await api.apiKey.set(['sk-ant', 'in-host-round-trip-0000000001'].join('-'));
    assert.equal(await api.apiKey.clear(), true);
    assert.equal(await api.apiKeySource(), 'env');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('the exported API carries no key material', async () => {
    const api = await extensionApi<ForgeApi>();
    assert.ok(api);
    const seen = JSON.stringify({ config: api.config(), state: api.state() });
    assert.ok(!/sk-ant-/.test(seen), `key-like text in the exported API: ${seen}`);
  });
});

describe('queue panel (in host)', () => {
  it('Show Queue Panel opens one panel and reveals it on a second call', async () => {
    await extensionApi<ForgeApi>();
    await vscode.commands.executeCommand(COMMANDS.showPanel.id);
    await until('a queue panel tab', () => (panelTabs().length === 1 ? true : undefined));
    await vscode.commands.executeCommand(COMMANDS.showPanel.id);
    await new Promise((r) => setTimeout(r, 300));
    const tabs = panelTabs().map((t) => `group ${t.group.viewColumn}: ${t.label}${t.isActive ? ' (active)' : ''}`);
    assert.equal(tabs.length, 1, `a second Show Queue Panel opened another panel: ${JSON.stringify(tabs)}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the panel to close', () => (panelTabs().length === 0 ? true : undefined));
  });
});
