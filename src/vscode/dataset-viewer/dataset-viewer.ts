// The dataset viewer (a read-only custom editor for *.jsonl) and the dataset report panel over the
// real VS Code API: thin. The logic is in viewer-session.ts and report-session.ts (tested without
// VS Code); this file maps webviews onto their ports and registers the editor, panel and commands.
import * as vscode from 'vscode';
import { buildReport } from '../../core/dataset/dataset-report';
import { DATASET_COMMANDS, REPORT_VIEW_TYPE, VIEWER_VIEW_TYPE } from '../ids';
import { createNonce, renderPanelHtml } from '../panel/panel-html';
import { webviewOptions } from '../panel/panel';
import { reportDatasets, savedDatasets } from './report-targets';
import { reportTitle, ReportSession } from './report-session';
import { ViewerSession, type ViewerActions } from './viewer-session';
import { pickDataset } from './pick-dataset';

type Log = ViewerActions['log'];

function shell(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: 'viewer' | 'report', title: string): string {
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
  return renderPanelHtml({
    scriptUri: asset(`${bundle}.js`),
    styleUri: asset('viewer.css'),
    cspSource: webview.cspSource,
    nonce: createNonce(),
    title,
  });
}

async function openText(file: string, line: number): Promise<void> {
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  // Always the text editor, even where the viewer is the user's default for *.jsonl.
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'default', {
    selection: new vscode.Range(position, position),
    preview: false,
  } satisfies vscode.TextDocumentShowOptions);
}

/** The one report panel: re-targeted when asked for another dataset, so reports do not pile up. */
class ReportPanel implements vscode.Disposable {
  private current: { panel: vscode.WebviewPanel; session: ReportSession } | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {}

  show(datasets: readonly string[]): Promise<void> {
    if (!this.current) {
      const panel = vscode.window.createWebviewPanel(
        REPORT_VIEW_TYPE,
        'Dataset Report',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { ...webviewOptions(this.extensionUri), retainContextWhenHidden: false },
      );
      this.adopt(panel);
    } else {
      this.current.panel.reveal(undefined, false);
    }
    this.current!.panel.title =
      datasets.length === 1 ? `Report: ${vscode.workspace.asRelativePath(datasets[0]!, false)}` : `Report: ${reportTitle(datasets)}`;
    return this.current!.session.show(datasets);
  }

  /** A panel VS Code restored after a window reload: its webview kept the datasets' paths. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    const datasets = savedDatasets(state);
    if (datasets === undefined || this.current) {
      panel.dispose();
      return;
    }
    this.adopt(panel);
    void this.show(datasets);
  }

  private adopt(panel: vscode.WebviewPanel): void {
    panel.webview.html = shell(panel.webview, this.extensionUri, 'report', 'Conversation Forge Dataset Report');
    const session = new ReportSession(panel.webview, {
      build: (d, signal, onProgress) => buildReport(d, { signal, onProgress: (p) => onProgress(p.dataset, p.bytes) }),
      openViewer: (d) => openViewer(d),
      log: this.log,
    });
    const current = { panel, session };
    this.current = current;
    panel.onDidDispose(() => {
      session.dispose();
      if (this.current === current) this.current = undefined;
    });
  }

  dispose(): void {
    this.current?.panel.dispose();
  }
}

async function openViewer(file: string): Promise<void> {
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), VIEWER_VIEW_TYPE);
}

class ViewerProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly report: ReportPanel,
    private readonly log: Log,
    private readonly threshold: () => number,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = shell(panel.webview, this.extensionUri, 'viewer', 'Conversation Forge Dataset Viewer');
    const session = new ViewerSession(document.uri.fsPath, panel.webview, {
      openText,
      showReport: (file) => this.report.show([file]),
      threshold: this.threshold,
      log: this.log,
    });
    panel.onDidDispose(() => session.dispose());
  }
}

export interface DatasetViews {
  openViewer(file: string): Promise<void>;
  showReport(datasets: readonly string[]): Promise<void>;
}

/** Registers the viewer, the report panel and their commands; everything goes into context.subscriptions. */
export function registerDatasetViews(context: vscode.ExtensionContext, log: Log, threshold: () => number): DatasetViews {
  const report = new ReportPanel(context.extensionUri, log);
  const target = async (uri: unknown, what: string): Promise<string | undefined> => {
    if (uri instanceof vscode.Uri) return uri.fsPath;
    const active = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const activeUri = active instanceof vscode.TabInputText || active instanceof vscode.TabInputCustom ? active.uri : undefined;
    if (activeUri?.fsPath.endsWith('.jsonl')) return activeUri.fsPath;
    return pickDataset(what);
  };
  context.subscriptions.push(
    report,
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        report.restore(panel, state);
      },
    }),
    vscode.window.registerCustomEditorProvider(VIEWER_VIEW_TYPE, new ViewerProvider(context.extensionUri, report, log, threshold), {
      supportsMultipleEditorsPerDocument: true,
      webviewOptions: { retainContextWhenHidden: false },
    }),
    vscode.commands.registerCommand(DATASET_COMMANDS.openViewer.id, async (uri?: unknown) => {
      const file = await target(uri, 'Dataset to view');
      if (file) await openViewer(file);
    }),
    // From the Explorer VS Code passes the clicked item and the whole selection: datasets, folders
    // (every dataset under them) and prompt files (their datasets) are reported together.
    vscode.commands.registerCommand(DATASET_COMMANDS.showReport.id, async (uri?: unknown, selected?: unknown) => {
      const picked = Array.isArray(selected) ? selected.filter((u): u is vscode.Uri => u instanceof vscode.Uri) : [];
      const inputs = picked.length > 0 ? picked.map((u) => u.fsPath) : [await target(uri, 'Dataset to report on')];
      const datasets = await reportDatasets(
        inputs.filter((i): i is string => i !== undefined),
        log,
      );
      if (datasets.length > 0) await report.show(datasets);
    }),
  );
  return { openViewer, showReport: (datasets) => report.show(datasets) };
}
