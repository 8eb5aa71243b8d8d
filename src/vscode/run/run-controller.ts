import type { TimerHandle } from '../../core/clock';
import { ensureValues } from '../../core/generate/values/ensure-values';
import { classify, ForgeError } from '../../core/errors';
import type { GenerationRun, JobFilter } from '../../core/generate/run/generation-run';
import type { ConversationJob } from '../../core/generate/run/run-jobs';
import type { BatchProgress, RunSnapshot, RunSummary } from '../../core/generate/run/run-types';
import type { PromptFile } from '../../core/generate/types';
import { TypedEmitter } from '../../core/queue/typed-emitter';
import type { Priority } from '../../core/queue/types';
import { engineSettings, type ConfigChange } from '../config';
import { ModelPricing } from '../../core/generate/run/model-pricing';
import { LastRun } from './last-run';
import { markAfterRun } from './mark-after-run';
import { applyConfigToRun, openRun, type LiveRun } from './live-run';
import type { Disposable } from '../ports';
import type {
  ControllerEvents,
  ControllerPhase,
  ControllerStatus,
  GenerateOptions,
  GenerateOutcome,
  RunControllerDeps,
} from './run-controller-types';
import { estimateInBackground } from './run-estimate';
import { attachRunLog, logRunEnded, logRunStarted } from './run-log';
import { watchRun } from './run-notices';
import { recordRun } from './run-record';
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
 * timer), emptied when the run ends.
 */
export class RunController implements Disposable {
  private readonly emitter: TypedEmitter<ControllerEvents>;
  private readonly snapshots: SnapshotPump;
  private active?: LiveRun;
  private starting?: Promise<GenerateOutcome>;
  private readonly last = new LastRun();
  private readonly state: RunStatus;
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
      if (this.active.run.acceptsFiles) return this.join(this.active, files);
      await this.active.done.catch(() => undefined);
    }
    const starting = this.open(files, options);
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
    this.last.dispose();
    this.emitter.dispose();
  }

  // --- internals -----------------------------------------------------------------------------

  private async join(active: LiveRun, files: readonly PromptFile[]): Promise<GenerateOutcome> {
    try {
      // A file joining the run gets its missing variable values through the run's own caller and
      // limiter, within what the run's budget has left.
      const budgetUsd = (await active.run.snapshot()).budgetUsd;
      const left = budgetUsd === undefined ? undefined : Math.max(0, budgetUsd - active.run.summary().costUsd);
      const pricing = new ModelPricing(engineSettings(this.deps.config()).modelOverrides);
      const ready = await ensureValues(files, {
        caller: active.caller,
        limiter: active.limiter,
        clock: this.deps.clock,
        simulated: active.endpoint.endpoint.simulated,
        ...(left !== undefined ? { budget: { limitUsd: left, priceOf: pricing.costUsd.bind(pricing) } } : {}),
      });
      const batches = await active.run.addFiles(ready);
      active.disposables.push(this.estimate(active, batches));
      for (const f of files) if (!active.files.includes(f.path)) active.files.push(f.path);
      this.state.setQuietly({ ...this.state.current, files: [...active.files] });
      await recordRun(this.deps, active.files, false, this.state.current.simulated);
      this.emitter.emit('notice', { type: 'added', batches });
      this.state.announce();
      this.snapshots.markDirty();
      return { ok: true, joined: true, batches, done: active.done };
    } catch (error) {
      return { ok: false, reason: 'error', message: classify(error).message };
    }
  }

  private async open(files: readonly PromptFile[], options: GenerateOptions): Promise<GenerateOutcome> {
    const paths = files.map((f) => f.path);
    const opened = await openRun(
      this.deps,
      files,
      options,
      (simulated) => this.state.set({ phase: 'starting', simulated, health: 'healthy', files: paths }),
      () => this.state.set({ phase: 'idle', simulated: false, health: 'healthy', files: [] }),
    );
    if (!opened.ok) return opened.outcome;
    const { run, limiter, endpoint, caller } = opened;
    const disposables: Disposable[] = [];
    let resolveDone!: (s: RunSummary) => void;
    const done = new Promise<RunSummary>((r) => (resolveDone = r));
    const active: LiveRun = { run, limiter, endpoint, caller, disposables, done, files: [...paths] };
    this.active = active;
    this.snapshots.latest = undefined;
    disposables.push(
      attachRunLog(run, this.deps.log, () => this.deps.clock.now()),
      ...this.watch(run),
      this.estimate(active, run.listBatches()),
    );
    const simulated = endpoint.endpoint.simulated;
    logRunStarted(this.deps.log, run, paths, simulated);
    await recordRun(this.deps, active.files, false, simulated);
    this.emitter.emit('notice', { type: 'started', simulated, files: paths });
    const started = run.start();
    this.state.set({ phase: run.state, simulated, health: 'healthy', files: paths });
    this.snapshots.start();
    void started
      .catch((error: unknown) => {
        this.deps.log.error(`run failed: ${classify(error).message}`);
        return run.summary();
      })
      .then((summary) => this.finish(active, summary))
      .then(resolveDone, () => resolveDone(run.summary()));
    return { ok: true, joined: false, batches: run.listBatches(), done };
  }

  private async finish(active: LiveRun, summary: RunSummary): Promise<RunSummary> {
    const simulated = active.endpoint.endpoint.simulated;
    let snapshot: RunSnapshot | undefined;
    try {
      snapshot = await active.run.snapshot();
    } catch {
      snapshot = this.snapshots.latest;
    }
    this.snapshots.stop();
    for (const d of active.disposables.splice(0)) d.dispose();
    await active.endpoint.close().catch(() => undefined);
    this.active = undefined;
    this.snapshots.latest = undefined;
    this.last.keep({ run: active.run, ...(snapshot ? { snapshot } : {}), summary, files: active.files, simulated });
    logRunEnded(this.deps.log, summary, simulated);
    await recordRun(this.deps, active.files, summary.state === 'finished', simulated);
    this.state.set({ phase: summary.state, simulated, health: 'healthy', files: active.files, summary });
    if (snapshot) this.emitter.emit('snapshot', snapshot);
    if (summary.stopReason) {
      this.emitter.emit('notice', { type: 'stopped', summary, kind: summary.stopReason.kind, message: summary.stopReason.message });
    } else if (summary.state === 'finished') {
      this.emitter.emit('notice', { type: 'finished', summary, simulated });
    }
    await markAfterRun(summary, this.deps.log, this.deps.config().duplicateThreshold);
    return summary;
  }

  private estimate(active: LiveRun, batches: readonly BatchProgress[]): Disposable {
    return estimateInBackground(active.run, batches, active.caller, engineSettings(this.deps.config()), this.deps.log);
  }

  private watch(run: GenerationRun): Disposable[] {
    return watchRun(run, {
      dirty: () => this.snapshots.markDirty(),
      refresh: () => this.refreshStatus(),
      health: (health) => this.state.set({ ...this.state.current, health }),
      notice: (notice) => this.emitter.emit('notice', notice),
    });
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
