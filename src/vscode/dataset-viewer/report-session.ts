// One report panel's content: builds the quality report of one or several datasets (the same data
// as `convforge report --json`, per dataset and in total) and sends it to the webview. No vscode import.
import { basename } from 'node:path';
import type { DatasetReport } from '../../core/dataset/dataset-report';
import { isReportWebviewMessage, type ReportHostMessage } from '../../protocol';
import type { Disposable } from './viewer-session';

export interface ReportPort {
  postMessage(message: ReportHostMessage): Thenable<boolean> | Promise<boolean>;
  onDidReceiveMessage(listener: (message: unknown) => void): Disposable;
}

export interface ReportDeps {
  /** Builds the report of the datasets together; stops (rejecting) when `signal` aborts. */
  build(datasets: readonly string[], signal: AbortSignal, onProgress: (dataset: string, bytes: number) => void): Promise<DatasetReport>;
  openViewer(dataset: string): Promise<void>;
  log: { warn(message: string): void; debug(message: string): void };
}

/** How the report names what it covers: a dataset's file name, or how many datasets. */
export function reportTitle(datasets: readonly string[]): string {
  return datasets.length === 1 ? basename(datasets[0]!) : `${datasets.length} datasets`;
}

export class ReportSession implements Disposable {
  private datasets: readonly string[] | undefined;
  private report: DatasetReport | undefined;
  private building: Promise<void> | undefined;
  private generation = 0;
  private abort: AbortController | undefined;
  private readonly subscription: Disposable;
  private disposed = false;

  constructor(
    private readonly port: ReportPort,
    private readonly deps: ReportDeps,
  ) {
    this.subscription = port.onDidReceiveMessage((m) => {
      if (!isReportWebviewMessage(m)) {
        deps.log.warn('dataset report: ignored a malformed message from the webview');
        return;
      }
      if (m.type === 'ready') this.resend();
      else if (m.type === 'refresh' && this.datasets) void this.show(this.datasets);
      else if (m.type === 'openViewer') void deps.openViewer(m.dataset);
    });
  }

  /** Builds the report of `datasets` together (one streaming pass) and shows it; a newer call wins. */
  show(datasets: readonly string[]): Promise<void> {
    this.datasets = datasets;
    const title = reportTitle(datasets);
    this.report = undefined;
    const generation = ++this.generation;
    // A report nobody will see is not worth minutes of the extension host's time.
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.post({ type: 'reportStatus', state: 'running', message: `Reading ${title}…` });
    let lastShown = 0;
    const progress = (dataset: string, bytes: number) => {
      // A few updates a second at most: each is a message to the webview.
      if (generation !== this.generation || Date.now() - lastShown < 250) return;
      lastShown = Date.now();
      this.post({ type: 'reportStatus', state: 'running', message: `Reading ${basename(dataset)}… ${(bytes / 1e6).toFixed(1)} MB read` });
    };
    this.building = this.deps.build(datasets, abort.signal, progress).then(
      (report) => {
        if (generation !== this.generation) return;
        this.report = report;
        this.resend();
      },
      (e: unknown) => {
        if (generation !== this.generation) return;
        this.post({
          type: 'reportStatus',
          state: 'failed',
          message: `Cannot report on ${title}: ${e instanceof Error ? e.message : String(e)}`,
        });
      },
    );
    return this.building;
  }

  private resend(): void {
    if (!this.datasets) return;
    const title = reportTitle(this.datasets);
    if (this.report) this.post({ type: 'report', report: this.report, title });
    else this.post({ type: 'reportStatus', state: 'running', message: `Reading ${title}…` });
  }

  private post(message: ReportHostMessage): void {
    if (this.disposed) return;
    void Promise.resolve(this.port.postMessage(message)).catch((e: unknown) =>
      this.deps.log.debug(`dataset report: post failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  dispose(): void {
    this.disposed = true;
    this.abort?.abort();
    this.subscription.dispose();
  }
}
