// The queue panel over the real VS Code API: thin. The logic is in panel-host.ts (tested
// without VS Code); this file maps a WebviewPanel onto its ports and registers the serializer.
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE } from '../ids';
import { PANEL_TITLE, QueuePanel, type PanelPort, type QueuePanelDeps } from './panel-host';

/** Scripts on, and nothing loadable but the bundle folder. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
}

function toPort(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): PanelPort {
  const { webview } = panel;
  return {
    webview: {
      get html() {
        return webview.html;
      },
      set html(value: string) {
        webview.html = value;
      },
      get cspSource() {
        return webview.cspSource;
      },
      assetUri: (file) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString(),
      postMessage: (message) => webview.postMessage(message),
      onDidReceiveMessage: (listener) => webview.onDidReceiveMessage(listener),
    },
    get visible() {
      return panel.visible;
    },
    reveal: () => panel.reveal(undefined, false),
    onDidDispose: (listener) => panel.onDidDispose(() => listener()),
    onDidChangeVisibility: (listener) => panel.onDidChangeViewState((e) => listener(e.webviewPanel.visible)),
    dispose: () => panel.dispose(),
  };
}

/** VS Code prefixes a webview tab's viewType (`mainThreadWebview-convforge.queuePanel`). */
function isQueuePanelTab(tab: vscode.Tab): boolean {
  return tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(PANEL_VIEW_TYPE);
}

/**
 * Creates the panel manager (extension lifetime) and registers the serializer so an open panel
 * survives a window reload (package.json: activationEvents `onWebviewPanel:convforge.queuePanel`).
 * Everything it registers goes into `context.subscriptions`; each panel's own subscriptions end
 * with the panel.
 */
export function registerQueuePanel(context: vscode.ExtensionContext, deps: Omit<QueuePanelDeps, 'create' | 'restoredTabs'>): QueuePanel {
  const { extensionUri } = context;
  const queuePanel = new QueuePanel({
    ...deps,
    create: (column) =>
      toPort(
        vscode.window.createWebviewPanel(
          PANEL_VIEW_TYPE,
          PANEL_TITLE,
          { viewColumn: column ?? vscode.ViewColumn.Beside, preserveFocus: false },
          { ...webviewOptions(extensionUri), retainContextWhenHidden: false },
        ),
        extensionUri,
      ),
    restoredTabs: () =>
      vscode.window.tabGroups.all.flatMap((group) =>
        group.tabs.filter(isQueuePanelTab).map((tab) => ({
          column: group.viewColumn,
          close: () => {
            vscode.window.tabGroups
              .close(tab)
              .then(undefined, (e: unknown) =>
                deps.log.debug(`queue panel: could not close a restored tab: ${e instanceof Error ? e.message : String(e)}`),
              );
          },
        })),
      ),
  });
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      // The webview restores its own view state (getState); the host only re-arms it.
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        panel.webview.options = webviewOptions(extensionUri);
        try {
          queuePanel.restore(toPort(panel, extensionUri));
        } catch (error) {
          // restore() closed the panel; say why in the log rather than failing the window restore
          deps.log.error(`queue panel: could not restore the panel: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    }),
    new vscode.Disposable(() => queuePanel.dispose()),
  );
  return queuePanel;
}
