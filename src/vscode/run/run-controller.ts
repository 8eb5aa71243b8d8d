import type { TimerHandle } from '../../core/clock';
import { ForgeError } from '../../core/errors';
import type { GenerationRun, JobFilter } from '../../core/generate/run/generation-run';
import type { ConversationJob } from '../../core/generate/run/run-jobs';
import type { BatchProgress, RunSnapshot, RunSummary } from '../../core/generate/run/run-types';
import type { PromptFile } from '../../core/generate/types';
import { TypedEmitter } from '../../core/queue/typed-emitter';
import type { Priority } from '../../core/queue/types';
import type { ConfigChange } from '../config';
import { LastRun } from './last-run';
import { applyConfigToRun, type LiveRun } from './live-run';
import type { Disposable } from '../ports';
import type {
  ControllerEvents,
  ControllerPhase,
  ControllerStatus,
  GenerateOptions,
  GenerateOutcome,
  RunControllerDeps,
} from './run-controller-types';
import { markingFor, type BackgroundMarking } from './background-marking';
import { joinRun, startRun, type RunHost } from './run-lifetime';
import { RunStatus } from './run-status';
import { SnapshotPump } from './snapshot-pump';

export type { ControllerEvents, ControllerPhase, ControllerStatus, GenerateOptions } from './run-controller-types';
export type { GenerateOutcome, RunControllerDeps, RunNotice, RunRecord } from './run-controller-types';

const RUNNING: readonly ControllerPhase[] = ['running', 'paused'];

/**
 * Owns at most one GenerationRun at a time. Generating while a run is active adds the files to
 * that run (queued behind it at their priority). The panel and the status bar read `status()` and
 * `snapshot()` and listen to the typed events; nothing here imports vscode.
 *
 * Two lifetimes (rust-analyzer's ctx.ts): the controller lives as long as the extension; each run
 * gets its own bucket of disposables (log and event subscriptions, the simulator, the snapshot
 * timer), emptied when the run ends. What happens within one run's lifetime (started, joined,
 * finished) is in run-lifetime.ts; this class keeps one run at a time and is its public face.
 */
export class RunController implements Disposable {
  private readonly emitter: TypedEmitter<ControllerEvents>;
  private readonly snapshots: SnapshotPump;
  private active?: LiveRun;
  private starting?: Promise<GenerateOutcome>;
  private readonly last = new LastRun();
  private readonly state: RunStatus;
  /** What a run's lifetime (run-lifetime.ts) reaches of this controller. */
  private readonly host: RunHost;
  /** The duplicate marking after each run, in the background (public for tests). */
  readonly marking: BackgroundMarking;
  private disposed = false;

  constructor(private readonly deps: RunControllerDeps) {
    this.emitter = new TypedEmitter<ControllerEvents>((error) =>
      deps.log.error(`a run listener failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.state = new RunStatus((status) => this.emitter.emit('state', status));
    this.snapshots = new SnapshotPump(
      deps,
      () => this.active?.run,
      (snap) => this.emitter.emit('snapshot', snap),
    );
    this.marking = markingFor(deps);
    this.host = {
      deps,
      marking: this.marking,
      state: this.state,
      snapshots: this.snapshots,
      last: this.last,
      emitter: this.emitter,
      setActive: (active) => (this.active = active),
      refreshStatus: () => this.refreshStatus(),
    };
  }

  on<K extends keyof ControllerEvents>(type: K, listener: (event: ControllerEvents[K]) => void): Disposable {
    return this.emitter.on(type, listener);
  }

  status(): ControllerStatus {
    return this.state.current;
  }

  get isActive(): boolean {
    return this.active !== undefined || this.starting !== undefined;
  }

  /** The run in progress, or undefined. For tests and the panel's advanced uses; prefer the methods below. */
  get run(): GenerationRun | undefined {
    return this.active?.run;
  }

  /**
   * Resolves when the active run (if any) ends. A run still opening counts as active (as for
   * isActive): waiting on it, not handing back the previous run's summary, keeps the two agreeing.
   */
  get done(): Promise<RunSummary | undefined> {
    if (this.starting) {
      const opened = () => this.active?.done ?? this.last.summary;
      return this.starting.then(opened, opened);
    }
    return this.active?.done ?? Promise.resolve(this.last.summary);
  }

  /** The latest snapshot computed (synchronously available; may be up to one interval old). */
  latestSnapshot(): RunSnapshot | undefined {
    return this.snapshots.latest ?? this.last.snapshot;
  }

  /** A fresh snapshot of the active run, else the last run's final one, else undefined. */
  async snapshot(): Promise<RunSnapshot | undefined> {
    if (this.active) {
      const snap = await this.active.run.snapshot();
      this.snapshots.latest = snap;
      return snap;
    }
    return this.last.snapshot;
  }

  /**
   * Starts a run over `files`, or adds them to the run in progress. Prompt files must already be
   * validated (the commands refuse files with errors before calling this).
   */
  async generate(files: readonly PromptFile[], options: GenerateOptions = {}): Promise<GenerateOutcome> {
    if (this.disposed) return { ok: false, reason: 'error', message: 'the extension is shutting down' };
    if (files.length === 0) return { ok: false, reason: 'no-files', message: 'no prompt files to generate from' };
    if (this.starting) await this.starting.catch(() => undefined);
    // A run that has begun to end takes no more files: they start the next run once it has ended.
    if (this.active && RUNNING.includes(this.active.run.state)) {
      if (this.active.run.acceptsFiles) return joinRun(this.host, this.active, files);
      await this.active.done.catch(() => undefined);
    }
    const starting = startRun(this.host, files, options);
    this.starting = starting;
    try {
      return await starting;
    } finally {
      this.starting = undefined;
    }
  }

  pause(): boolean {
    const run = this.active?.run;
    if (!run || run.state !== 'running') return false;
    run.pause();
    this.refreshStatus();
    return true;
  }

  resume(): boolean {
    const run = this.active?.run;
    if (!run || run.state !== 'paused') return false;
    run.resume();
    this.refreshStatus();
    return true;
  }

  /**
   * Stops dispatch and aborts requests in flight; resolves once the datasets are closed. Message
   * Batches are cancelled at Anthropic (what they finished is still written), or with `leave` (the
   * window closing) left processing for the next run to collect.
   */
  async cancel(messageBatches: 'cancel' | 'leave' = 'cancel'): Promise<RunSummary | undefined> {
    if (this.starting) await this.starting.catch(() => undefined);
    const active = this.active;
    if (!active) return undefined;
    active.run.cancel({ messageBatches });
    return active.done;
  }

  pauseBatch(batchId: string): number {
    return this.requireRun().pauseBatch(batchId);
  }

  resumeBatch(batchId: string): number {
    return this.requireRun().resumeBatch(batchId);
  }

  cancelBatch(batchId: string): number {
    return this.requireRun().cancelBatch(batchId);
  }

  setBatchPriority(batchId: string, priority: Priority): number {
    const n = this.requireRun().setBatchPriority(batchId, priority);
    this.snapshots.markDirty();
    return n;
  }

  listBatches(): BatchProgress[] {
    return this.active?.run.listBatches() ?? this.last.run?.listBatches() ?? [];
  }

  listJobs(offset: number, limit: number, filter: JobFilter = {}): { total: number; jobs: ConversationJob[] } {
    const run = this.active?.run ?? this.last.run;
    return run ? run.listJobs(offset, limit, filter) : { total: 0, jobs: [] };
  }

  /** Files of the last finished run that recorded failures (for Retry Failed). */
  failedFiles(batchId?: string): string[] {
    return this.last.failedFiles(batchId);
  }

  /**
   * Re-runs the last run's files that recorded failures (only `batchId`'s, when given) with
   * retryFailed, once no run is in progress. Needs `deps.loadFiles`.
   */
  async retryFailed(batchId?: string): Promise<GenerateOutcome> {
    if (this.isActive) return { ok: false, reason: 'error', message: 'Retry Failed runs once the run in progress has finished' };
    const paths = this.failedFiles(batchId);
    if (paths.length === 0) return { ok: false, reason: 'no-files', message: 'no failed conversations to retry' };
    if (!this.deps.loadFiles) return { ok: false, reason: 'error', message: 'cannot reload prompt files here' };
    const loaded = await this.deps.loadFiles(paths);
    if (!loaded.ok) return { ok: false, reason: 'error', message: loaded.message };
    return this.generate(loaded.files, { retryFailed: true });
  }

  /** Applies changed settings to the run in progress where they can apply. */
  async applyConfig(change: ConfigChange): Promise<void> {
    const active = this.active;
    if (!active) return;
    await applyConfigToRun(active, change, this.deps.log);
  }

  /** Deactivation: stop dispatch, abort in flight, wait for the datasets to close. */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    this.disposed = true;
    // Closing VS Code leaves Message Batches processing: the next run (or activation) collects them.
    const done = this.cancel('leave').then(() => undefined);
    let timer: TimerHandle | undefined;
    const timeout = new Promise<void>((resolve) => (timer = this.deps.clock.setTimeout(resolve, timeoutMs)));
    await Promise.race([done, timeout]);
    if (timer) this.deps.clock.clearTimeout(timer);
    this.dispose();
  }

  dispose(): void {
    this.disposed = true;
    if (this.active) {
      this.active.run.cancel({ messageBatches: 'leave' });
      for (const d of this.active.disposables.splice(0)) d.dispose();
    }
    this.snapshots.stop();
    this.marking.dispose();
    this.last.dispose();
    this.emitter.dispose();
  }

  private refreshStatus(): void {
    const run = this.active?.run;
    if (!run) return;
    this.state.refreshFrom(run);
    this.snapshots.markDirty();
  }

  private requireRun(): GenerationRun {
    const run = this.active?.run;
    if (!run) throw new ForgeError('invalid_request', 'no run in progress');
    return run;
  }
}
