// The queue panel's host logic over small ports (no vscode import): one panel at most, HTML with
// a fresh nonce, every webview message validated before it reaches the controller, state pushed
// on controller events through a trailing throttle, the full state at once on `ready`.
// src/vscode/panel/panel.ts implements the ports over the real WebviewPanel and registers the serializer.
import type { Clock } from '../../core/clock';
import { classify } from '../../core/errors';
import type { ConversationJob } from '../../core/generate/run/run-jobs';
import type { BatchProgress } from '../../core/generate/run/run-types';
import type { Priority } from '../../core/queue/types';
import { isHostMessage, isWebviewMessage } from '../../protocol/guards';
import type { HostMessage, JobFilter, JobsPage, WebviewMessage } from '../../protocol/messages';
import { createNonce, renderPanelHtml } from './panel-html';
import { TrailingThrottle } from './panel-throttle';
import type { Disposable, Event, LogSink } from '../ports';
import { engineJobFilter, jobRowOf } from '../view-model/view-model';
import type { RunViewSource } from '../view-model/view-model-source';

/** The bundle files the panel loads, relative to the extension's dist/ folder. */
export const PANEL_SCRIPT = 'webview.js';
export const PANEL_STYLE = 'webview.css';
export const PANEL_TITLE = 'Conversation Forge Queue';
/** At most ~4 state pushes a second. */
export const PUSH_INTERVAL_MS = 250;

export interface WebviewPort {
  html: string;
  /** webview.cspSource */
  readonly cspSource: string;
  /** asWebviewUri(dist/<file>) as a string. */
  assetUri(file: string): string;
  postMessage(message: HostMessage): PromiseLike<boolean>;
  readonly onDidReceiveMessage: Event<unknown>;
}

export interface PanelPort {
  readonly webview: WebviewPort;
  readonly visible: boolean;
  reveal(): void;
  readonly onDidDispose: Event<void>;
  readonly onDidChangeVisibility: Event<boolean>;
  dispose(): void;
}

/** What the panel may ask the run controller to do. */
export interface PanelController {
  pause(): boolean;
  resume(): boolean;
  cancel(): Promise<unknown>;
  pauseBatch(batchId: string): number;
  resumeBatch(batchId: string): number;
  cancelBatch(batchId: string): number;
  setBatchPriority(batchId: string, priority: Priority): number;
  listBatches(): BatchProgress[];
  listJobs(
    offset: number,
    limit: number,
    filter?: { state?: ConversationJob['state']; batchId?: string },
  ): { total: number; jobs: ConversationJob[] };
}

/** A queue panel tab VS Code restored after a reload but has not handed to the serializer yet. */
export interface RestoredTab {
  /** Its editor column. */
  readonly column: number | undefined;
  close(): void;
}

export interface QueuePanelDeps {
  /** createWebviewPanel with the panel's options, in `column` (default: beside the active editor). */
  create(column?: number): PanelPort;
  /**
   * Queue panel tabs with no panel object behind them: VS Code revives a restored webview only when
   * its tab is shown, so until then the serializer has not adopted it. Show Queue Panel replaces
   * them (same column) rather than opening a second panel elsewhere.
   */
  restoredTabs?(): readonly RestoredTab[];
  source: RunViewSource;
  controller: PanelController;
  /** Retry Failed (whole run, or one batch). */
  retryFailed(batchId?: string): Promise<void>;
  openFile(path: string): Promise<void>;
  clock: Clock;
  log: LogSink;
  nonce?: () => string;
  pushIntervalMs?: number;
}

function describe(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = Object.prototype.toString.call(raw);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** One open panel: everything here lives as long as the panel. */
export class PanelSession implements Disposable {
  private readonly disposables: Disposable[] = [];
  private readonly throttle: TrailingThrottle;
  private disposed = false;
  /** Every message sent, for tests (bounded). */
  readonly sent: HostMessage[] = [];
  private readonly keepSent: boolean;

  constructor(
    readonly panel: PanelPort,
    private readonly deps: QueuePanelDeps,
    onDispose: () => void,
    keepSent = false,
  ) {
    this.keepSent = keepSent;
    this.throttle = new TrailingThrottle(deps.clock, deps.pushIntervalMs ?? PUSH_INTERVAL_MS, () => this.pushState());
    const { webview } = panel;
    webview.html = renderPanelHtml({
      scriptUri: webview.assetUri(PANEL_SCRIPT),
      styleUri: webview.assetUri(PANEL_STYLE),
      cspSource: webview.cspSource,
      nonce: (deps.nonce ?? createNonce)(),
    });
    this.disposables.push(
      this.throttle,
      webview.onDidReceiveMessage((raw) => void this.handle(raw)),
      deps.source.onChange(() => this.throttle.trigger()),
      // A hidden panel's webview is torn down (retainContextWhenHidden: false); it sends `ready`
      // again when shown, and gets the full state then.
      panel.onDidChangeVisibility((visible) => !visible && this.throttle.cancel()),
      panel.onDidDispose(() => {
        this.dispose();
        onDispose();
      }),
    );
  }

  /** Handles one message from the webview; resolves when the action it asked for is done. */
  async handle(raw: unknown): Promise<void> {
    if (this.disposed) return;
    if (!isWebviewMessage(raw)) {
      this.deps.log.warn(`queue panel: ignored a malformed message: ${describe(raw)}`);
      return;
    }
    try {
      await this.act(raw);
    } catch (error) {
      this.deps.log.warn(`queue panel: ${raw.type} failed: ${classify(error).message}`);
    }
  }

  private async act(m: WebviewMessage): Promise<void> {
    const { controller } = this.deps;
    switch (m.type) {
      case 'ready':
        this.throttle.cancel();
        this.pushState();
        return;
      case 'pause':
        if (!controller.pause()) this.deps.log.info('queue panel: nothing to pause');
        break;
      case 'resume':
        if (!controller.resume()) this.deps.log.info('queue panel: nothing to resume (a 429 pause ends by itself)');
        break;
      case 'cancel':
        await controller.cancel();
        break;
      case 'retryFailed':
        await this.deps.retryFailed(m.batchId);
        break;
      case 'pauseBatch':
        controller.pauseBatch(m.batchId);
        break;
      case 'resumeBatch':
        controller.resumeBatch(m.batchId);
        break;
      case 'cancelBatch':
        controller.cancelBatch(m.batchId);
        break;
      case 'setBatchPriority':
        controller.setBatchPriority(m.batchId, m.priority);
        break;
      case 'requestJobs':
        this.post({ type: 'jobs', page: this.jobsPage(m.offset, m.limit, m.filter) });
        return;
      case 'openDataset': {
        const batch = controller.listBatches().find((b) => b.id === m.batchId);
        if (!batch) {
          this.deps.log.warn(`queue panel: no batch ${describe(m.batchId)} to open`);
          return;
        }
        await this.deps.openFile(batch.datasetPath);
        return;
      }
    }
    this.throttle.trigger();
  }

  jobsPage(offset: number, limit: number, filter: JobFilter | undefined): JobsPage {
    const echo = filter ?? {};
    const engine = engineJobFilter(filter);
    if (!engine) return { offset, limit, filter: echo, total: 0, rows: [] };
    const { total, jobs } = this.deps.controller.listJobs(offset, limit, engine);
    return { offset, limit, filter: echo, total, rows: jobs.slice(0, limit).map((j) => jobRowOf(j, this.deps.source.displayPath)) };
  }

  pushState(): void {
    if (this.disposed || !this.panel.visible) return;
    this.post({ type: 'state', state: this.deps.source.panelState() });
  }

  private post(message: HostMessage): void {
    if (this.disposed) return;
    // The webview validates too; checking here turns a host bug into a log line, not a blank panel.
    if (!isHostMessage(message)) {
      this.deps.log.error(`queue panel: refusing to send an invalid ${(message as HostMessage).type} message`);
      return;
    }
    if (this.keepSent) this.sent.push(message);
    void Promise.resolve(this.panel.webview.postMessage(message)).then(undefined, (e: unknown) =>
      this.deps.log.debug(`queue panel: postMessage failed: ${classify(e).message}`),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Show Queue Panel reveals the open panel or creates one; the serializer hands restored panels here. */
export class QueuePanel implements Disposable {
  private session: PanelSession | undefined;

  constructor(
    private readonly deps: QueuePanelDeps,
    /** Tests: keep every message sent on the session. */
    private readonly recordSent = false,
  ) {}

  get current(): PanelSession | undefined {
    return this.session;
  }

  show(): void {
    if (this.session) {
      this.session.panel.reveal();
      return;
    }
    // No panel object, but maybe a restored tab not revived yet: the new panel takes its place.
    const unadopted = this.deps.restoredTabs?.() ?? [];
    this.attach(this.deps.create(unadopted[0]?.column));
    for (const tab of unadopted) tab.close();
  }

  /**
   * A panel VS Code restored after a reload (WebviewPanelSerializer): adopted as THE panel, so
   * Show Queue Panel reveals it.
   */
  restore(panel: PanelPort): void {
    // One panel at most: a restored one revived after Show opened another replaces it.
    this.session?.panel.dispose();
    this.attach(panel);
  }

  private attach(panel: PanelPort): void {
    let session: PanelSession;
    try {
      session = new PanelSession(
        panel,
        this.deps,
        () => {
          if (this.session === session) this.session = undefined;
        },
        this.recordSent,
      );
    } catch (error) {
      // A panel we cannot drive must not stay open: nothing would reveal it, and the next Show
      // would open a second one beside it.
      panel.dispose();
      throw error;
    }
    this.session = session;
  }

  dispose(): void {
    const s = this.session;
    this.session = undefined;
    s?.panel.dispose();
    s?.dispose();
  }
}
