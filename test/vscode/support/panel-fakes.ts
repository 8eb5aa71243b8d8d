// Fakes of the queue panel's ports (src/vscode/panel/panel-host.ts) and of the controller slices the
// panel and the status bar use. They record what the adapters did.
import type { Clock } from '../../../src/core/clock';
import type { ConversationJob } from '../../../src/core/generate/run/run-jobs';
import type { BatchProgress, RunSnapshot } from '../../../src/core/generate/run/run-types';
import type { Priority } from '../../../src/core/queue/types';
import type { HostMessage } from '../../../src/protocol/messages';
import type { PanelController, PanelPort, QueuePanelDeps, WebviewPort } from '../../../src/vscode/panel/panel-host';
import type { ControllerEvents, ControllerStatus } from '../../../src/vscode/run/run-controller';
import { RunViewSource, type ViewController } from '../../../src/vscode/view-model/view-model-source';
import { emitter, FakeLog } from './fakes';

export class FakeWebview implements WebviewPort {
  html = '';
  cspSource = 'https://fake.vscode-cdn.test';
  readonly posted: HostMessage[] = [];
  private readonly received = emitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  assetUri(file: string): string {
    return `https://fake.vscode-cdn.test/ext/dist/${file}`;
  }
  postMessage(message: HostMessage): Promise<boolean> {
    // What crosses the boundary is serialised: keep exactly that.
    this.posted.push(JSON.parse(JSON.stringify(message)) as HostMessage);
    return Promise.resolve(true);
  }
  /** The webview posts a message to the host. */
  send(message: unknown): void {
    this.received.fire(message);
  }
  get listeners(): number {
    return this.received.count;
  }
  states() {
    return this.posted.filter((m): m is Extract<HostMessage, { type: 'state' }> => m.type === 'state').map((m) => m.state);
  }
}

export class FakePanel implements PanelPort {
  readonly webview = new FakeWebview();
  visible = true;
  reveals = 0;
  disposed = false;
  private readonly disposeEvent = emitter<void>();
  private readonly visibility = emitter<boolean>();
  readonly onDidDispose = this.disposeEvent.event;
  readonly onDidChangeVisibility = this.visibility.event;
  reveal(): void {
    this.reveals++;
    this.setVisible(true);
  }
  setVisible(v: boolean): void {
    this.visible = v;
    this.visibility.fire(v);
  }
  /** The user closes the panel. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEvent.fire();
  }
}

/** A controller the panel drives: records calls; status and snapshots are set by the test. */
export class FakeController implements PanelController, ViewController {
  readonly calls: unknown[][] = [];
  current: ControllerStatus = { phase: 'idle', simulated: false, health: 'healthy', files: [] };
  snap: RunSnapshot | undefined;
  batches: BatchProgress[] = [];
  jobs: ConversationJob[] = [];
  throwOnBatch = false;
  private readonly events = {
    state: emitter<ControllerStatus>(),
    snapshot: emitter<RunSnapshot>(),
    notice: emitter<ControllerEvents['notice']>(),
  };
  on<K extends keyof ControllerEvents>(type: K, listener: (e: ControllerEvents[K]) => void) {
    return (this.events[type].event as (l: (e: ControllerEvents[K]) => void) => { dispose(): void })(listener);
  }
  status() {
    return this.current;
  }
  latestSnapshot() {
    return this.snap;
  }
  emitState(s: ControllerStatus) {
    this.current = s;
    this.events.state.fire(s);
  }
  emitSnapshot(s: RunSnapshot) {
    this.snap = s;
    this.events.snapshot.fire(s);
  }
  private record(...call: unknown[]) {
    this.calls.push(call);
  }
  pause() {
    this.record('pause');
    return true;
  }
  resume() {
    this.record('resume');
    return true;
  }
  async cancel() {
    this.record('cancel');
    return undefined;
  }
  private batchCall(name: string, id: string, ...rest: unknown[]) {
    if (this.throwOnBatch) throw new Error('no run in progress');
    this.record(name, id, ...rest);
    return 1;
  }
  pauseBatch(id: string) {
    return this.batchCall('pauseBatch', id);
  }
  resumeBatch(id: string) {
    return this.batchCall('resumeBatch', id);
  }
  cancelBatch(id: string) {
    return this.batchCall('cancelBatch', id);
  }
  setBatchPriority(id: string, p: Priority) {
    return this.batchCall('setBatchPriority', id, p);
  }
  listBatches() {
    return this.batches;
  }
  listJobs(offset: number, limit: number, filter: { state?: ConversationJob['state']; batchId?: string } = {}) {
    this.record('listJobs', offset, limit, filter);
    const m = this.jobs.filter((j) => (!filter.state || j.state === filter.state) && (!filter.batchId || j.batchId === filter.batchId));
    return { total: m.length, jobs: m.slice(offset, offset + limit) };
  }
}

export function panelDeps(controller: PanelController & ViewController, clock: Clock, extra: Partial<QueuePanelDeps> = {}) {
  const log = new FakeLog();
  const created: FakePanel[] = [];
  /** The column each created panel was asked for (undefined: beside the active editor). */
  const columns: (number | undefined)[] = [];
  const retried: (string | undefined)[] = [];
  const opened: string[] = [];
  const source = new RunViewSource(controller, clock);
  const deps: QueuePanelDeps = {
    create: (column) => {
      const p = new FakePanel();
      created.push(p);
      columns.push(column);
      return p;
    },
    source,
    controller,
    retryFailed: async (batchId) => void retried.push(batchId),
    openFile: async (path) => void opened.push(path),
    clock,
    log,
    nonce: () => 'bm9uY2Vub25jZW5vbmNlbm9uY2U=',
    ...extra,
  };
  return { deps, log, created, columns, retried, opened, source };
}
