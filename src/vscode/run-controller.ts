import type { ModelCaller } from '../core/api/types';
import type { Clock, TimerHandle } from '../core/clock';
import { classify, ForgeError, type ErrorKind } from '../core/errors';
import { applyLimits, assembleRun } from '../core/generate/run/assemble';
import type { GenerationRun, JobFilter } from '../core/generate/run/generation-run';
import type { ConversationJob } from '../core/generate/run/run-jobs';
import type { BatchProgress, RunSnapshot, RunState, RunSummary } from '../core/generate/run/run-types';
import type { PromptFile } from '../core/generate/types';
import type { Health, RateLimiter } from '../core/limiter/types';
import type { PauseReason } from '../core/queue/events';
import { TypedEmitter } from '../core/queue/typed-emitter';
import type { Priority } from '../core/queue/types';
import { engineSettings, LIMIT_KEYS, type ConfigChange, type ForgeConfig } from './config';
import type { EndpointProvider, EndpointResult, OpenedEndpoint } from './endpoint';
import type { Disposable, LogSink } from './ports';
import { attachRunLog, summaryText } from './run-log';

/**
 * Owns at most one GenerationRun at a time. Generating while a run is active adds the files to
 * that run (queued behind it at their priority). The panel and the status bar read `status()` and
 * `snapshot()` and listen to the typed events; nothing here imports vscode.
 *
 * Two lifetimes (rust-analyzer's ctx.ts): the controller lives as long as the extension; each run
 * gets its own bucket of disposables (log and event subscriptions, the simulator, the snapshot
 * timer), emptied when the run ends.
 */
export type ControllerPhase = 'idle' | 'starting' | RunState;

export interface ControllerStatus {
  readonly phase: ControllerPhase;
  /** The run (or the last run) is a dry run against the built-in simulator. */
  readonly simulated: boolean;
  readonly health: Health;
  /** While a 429 pause holds dispatch: when it ends (epoch ms, controller clock). */
  readonly pausedUntil?: number;
  readonly pauseReason?: PauseReason;
  /** Prompt files of the current (or last) run. */
  readonly files: readonly string[];
  /** The last finished run's summary, until the next run starts. */
  readonly summary?: RunSummary;
}

/** Transitions worth telling the user about; notifications.ts decides which to show. */
export type RunNotice =
  | { readonly type: 'started'; readonly simulated: boolean; readonly files: readonly string[] }
  | { readonly type: 'added'; readonly batches: readonly BatchProgress[] }
  | { readonly type: 'health'; readonly health: Health }
  | { readonly type: 'rateLimitPaused'; readonly until?: number; readonly kind?: ErrorKind }
  | { readonly type: 'rateLimitResumed' }
  | { readonly type: 'finished'; readonly summary: RunSummary; readonly simulated: boolean }
  | { readonly type: 'stopped'; readonly summary: RunSummary; readonly kind: ErrorKind; readonly message: string };

export interface ControllerEvents {
  /** status() changed (phase, pause, health). */
  state: ControllerStatus;
  /** A fresh snapshot; coalesced to at most one per `snapshotIntervalMs`. */
  snapshot: RunSnapshot;
  notice: RunNotice;
}

/** Why a generate call did nothing, or what it did. */
export type GenerateOutcome =
  | { readonly ok: true; readonly joined: boolean; readonly batches: readonly BatchProgress[]; readonly done: Promise<RunSummary> }
  | { readonly ok: false; readonly reason: 'no-key' | 'no-files' | 'prompt-changed' | 'error'; readonly message: string };

/** A small record in workspaceState so an unfinished run can be offered for resumption. */
export interface RunRecord {
  readonly files: readonly string[];
  readonly finished: boolean;
  readonly simulated: boolean;
  readonly at: number;
}

export interface RunControllerDeps {
  clock: Clock;
  config: () => ForgeConfig;
  endpoints: EndpointProvider;
  log: LogSink;
  /** Persists the run record (workspaceState). */
  saveRecord?: (record: RunRecord) => Promise<void> | void;
  /** Injected in tests instead of the SDK caller. */
  caller?: ModelCaller;
  /** Re-reads and validates prompt files (Retry Failed re-runs them as they are now on disk). */
  loadFiles?: (paths: readonly string[]) => Promise<{ ok: true; files: readonly PromptFile[] } | { ok: false; message: string }>;
  /** Default 250 (at most 4 snapshots a second). */
  snapshotIntervalMs?: number;
}

export interface GenerateOptions {
  retryFailed?: boolean;
  /** Generate a changed prompt file's new version next to its earlier conversations. */
  allowNewVersion?: boolean;
  estimateUsd?: number;
}

interface ActiveRun {
  readonly run: GenerationRun;
  readonly limiter: RateLimiter;
  readonly endpoint: OpenedEndpoint;
  readonly disposables: Disposable[];
  readonly done: Promise<RunSummary>;
  readonly files: string[];
}

const RUNNING: readonly ControllerPhase[] = ['running', 'paused'];

export class RunController implements Disposable {
  private readonly emitter: TypedEmitter<ControllerEvents>;
  private active?: ActiveRun;
  private starting?: Promise<GenerateOutcome>;
  private last?: { run: GenerationRun; snapshot?: RunSnapshot; summary: RunSummary; files: string[]; simulated: boolean };
  private current: ControllerStatus = { phase: 'idle', simulated: false, health: 'healthy', files: [] };
  private snapshotTimer?: TimerHandle;
  private snapshotDirty = false;
  private lastSnapshotAt = 0;
  private cachedSnapshot?: RunSnapshot;
  private disposed = false;

  constructor(private readonly deps: RunControllerDeps) {
    this.emitter = new TypedEmitter<ControllerEvents>((error) =>
      deps.log.error(`a run listener failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  on<K extends keyof ControllerEvents>(type: K, listener: (event: ControllerEvents[K]) => void): Disposable {
    return this.emitter.on(type, listener);
  }

  status(): ControllerStatus {
    return this.current;
  }

  get isActive(): boolean {
    return this.active !== undefined || this.starting !== undefined;
  }

  /** The run in progress, or undefined. For tests and the panel's advanced uses; prefer the methods below. */
  get run(): GenerationRun | undefined {
    return this.active?.run;
  }

  /** Resolves when the active run (if any) ends. */
  get done(): Promise<RunSummary | undefined> {
    return this.active?.done ?? Promise.resolve(this.last?.summary);
  }

  /** The latest snapshot computed (synchronously available; may be up to one interval old). */
  latestSnapshot(): RunSnapshot | undefined {
    return this.cachedSnapshot ?? this.last?.snapshot;
  }

  /** A fresh snapshot of the active run, else the last run's final one, else undefined. */
  async snapshot(): Promise<RunSnapshot | undefined> {
    if (this.active) {
      const snap = await this.active.run.snapshot();
      this.cachedSnapshot = snap;
      return snap;
    }
    return this.last?.snapshot;
  }

  /**
   * Starts a run over `files`, or adds them to the run in progress. Prompt files must already be
   * validated (the commands refuse files with errors before calling this).
   */
  async generate(files: readonly PromptFile[], options: GenerateOptions = {}): Promise<GenerateOutcome> {
    if (this.disposed) return { ok: false, reason: 'error', message: 'the extension is shutting down' };
    if (files.length === 0) return { ok: false, reason: 'no-files', message: 'no prompt files to generate from' };
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.active && RUNNING.includes(this.active.run.state)) return this.join(this.active, files);
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

  /** Stops dispatch and aborts requests in flight; resolves once the datasets are closed. */
  async cancel(): Promise<RunSummary | undefined> {
    if (this.starting) await this.starting.catch(() => undefined);
    const active = this.active;
    if (!active) return undefined;
    active.run.cancel();
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
    this.markDirty();
    return n;
  }

  listBatches(): BatchProgress[] {
    return this.active?.run.listBatches() ?? this.last?.run.listBatches() ?? [];
  }

  listJobs(offset: number, limit: number, filter: JobFilter = {}): { total: number; jobs: ConversationJob[] } {
    const run = this.active?.run ?? this.last?.run;
    return run ? run.listJobs(offset, limit, filter) : { total: 0, jobs: [] };
  }

  /** Files of the last finished run that recorded failures (for Retry Failed). */
  failedFiles(batchId?: string): string[] {
    if (!this.last) return [];
    return this.last.run
      .listBatches()
      .filter((b) => (b.failed > 0 || b.skippedFailed > 0) && (batchId === undefined || b.id === batchId))
      .map((b) => b.sourceFile);
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
    if (LIMIT_KEYS.some((k) => change.changed.has(k))) {
      const limits = engineSettings(change.config).limits;
      try {
        await applyLimits(active.limiter, limits);
        active.endpoint.setLimits(limits);
        this.deps.log.info('new rate limits applied to the run in progress');
      } catch (error) {
        this.deps.log.warn(`could not apply the new limits: ${classify(error).message}`);
      }
    }
    const later = (['maxConcurrency', 'budgetUsd', 'useSimulator', 'endpoint'] as const).filter((k) => change.changed.has(k));
    if (later.length > 0) this.deps.log.info(`${later.join(', ')}: applies from the next run`);
  }

  /** Deactivation: stop dispatch, abort in flight, wait for the datasets to close. */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    this.disposed = true;
    const done = this.cancel().then(() => undefined);
    let timer: TimerHandle | undefined;
    const timeout = new Promise<void>((resolve) => (timer = this.deps.clock.setTimeout(resolve, timeoutMs)));
    await Promise.race([done, timeout]);
    if (timer) this.deps.clock.clearTimeout(timer);
    this.dispose();
  }

  dispose(): void {
    this.disposed = true;
    if (this.active) {
      this.active.run.cancel();
      for (const d of this.active.disposables.splice(0)) d.dispose();
    }
    this.stopSnapshots();
    this.last?.run.dispose();
    this.emitter.dispose();
  }

  // --- internals -----------------------------------------------------------------------------

  private async join(active: ActiveRun, files: readonly PromptFile[]): Promise<GenerateOutcome> {
    try {
      const batches = await active.run.addFiles(files);
      for (const f of files) if (!active.files.includes(f.path)) active.files.push(f.path);
      this.current = { ...this.current, files: [...active.files] };
      await this.record(active.files, false, this.current.simulated);
      this.emitter.emit('notice', { type: 'added', batches });
      this.emitState();
      this.markDirty();
      return { ok: true, joined: true, batches, done: active.done };
    } catch (error) {
      return { ok: false, reason: 'error', message: classify(error).message };
    }
  }

  private async open(files: readonly PromptFile[], options: GenerateOptions): Promise<GenerateOutcome> {
    const config = this.deps.config();
    let opened: EndpointResult;
    try {
      opened = await this.deps.endpoints.open(config);
    } catch (error) {
      return { ok: false, reason: 'error', message: `could not start the endpoint: ${classify(error).message}` };
    }
    if (!opened.ok) {
      return { ok: false, reason: 'no-key', message: 'no Anthropic API key: set one, or use the built-in simulator' };
    }
    const endpoint = opened.opened;
    const paths = files.map((f) => f.path);
    this.setStatus({ phase: 'starting', simulated: endpoint.endpoint.simulated, health: 'healthy', files: paths });
    let assembled;
    try {
      assembled = await assembleRun({
        files,
        settings: engineSettings(config),
        endpoint: endpoint.endpoint,
        clock: this.deps.clock,
        ...(options.retryFailed ? { retryFailed: true } : {}),
        ...(options.allowNewVersion ? { allowNewVersion: true } : {}),
        ...(options.estimateUsd !== undefined ? { estimateUsd: options.estimateUsd } : {}),
        ...(this.deps.caller ? { caller: this.deps.caller } : {}),
      });
    } catch (error) {
      await endpoint.close().catch(() => undefined);
      this.setStatus({ phase: 'idle', simulated: false, health: 'healthy', files: [] });
      const c = classify(error);
      const message = error instanceof ForgeError ? error.message : c.message;
      return { ok: false, reason: c.kind === 'prompt_changed' ? 'prompt-changed' : 'error', message: `could not open the run: ${message}` };
    }
    const { run, limiter } = assembled;
    const disposables: Disposable[] = [];
    let resolveDone!: (s: RunSummary) => void;
    const done = new Promise<RunSummary>((r) => (resolveDone = r));
    const active: ActiveRun = { run, limiter, endpoint, disposables, done, files: [...paths] };
    this.active = active;
    this.cachedSnapshot = undefined;
    disposables.push(attachRunLog(run, this.deps.log, () => this.deps.clock.now()), ...this.watch(run));
    const simulated = endpoint.endpoint.simulated;
    this.deps.log.info(
      `run started${simulated ? ' (DRY RUN against the built-in simulator)' : ''}: ${paths.length} prompt file(s), ${run
        .listBatches()
        .reduce((n, b) => n + b.total - b.skipped, 0)} conversations to do`,
    );
    await this.record(active.files, false, simulated);
    this.emitter.emit('notice', { type: 'started', simulated, files: paths });
    const started = run.start();
    this.setStatus({ phase: run.state, simulated, health: 'healthy', files: paths });
    this.startSnapshots();
    void started
      .catch((error: unknown) => {
        this.deps.log.error(`run failed: ${classify(error).message}`);
        return run.summary();
      })
      .then((summary) => this.finish(active, summary))
      .then(resolveDone, () => resolveDone(run.summary()));
    return { ok: true, joined: false, batches: run.listBatches(), done };
  }

  private async finish(active: ActiveRun, summary: RunSummary): Promise<RunSummary> {
    const simulated = active.endpoint.endpoint.simulated;
    let snapshot: RunSnapshot | undefined;
    try {
      snapshot = await active.run.snapshot();
    } catch {
      snapshot = this.cachedSnapshot;
    }
    this.stopSnapshots();
    for (const d of active.disposables.splice(0)) d.dispose();
    await active.endpoint.close().catch(() => undefined);
    this.active = undefined;
    this.cachedSnapshot = undefined;
    // The previous run's engine is released; the last run stays readable (jobs, batches) until the next ends.
    if (this.last && this.last.run !== active.run) this.last.run.dispose();
    this.last = { run: active.run, ...(snapshot ? { snapshot } : {}), summary, files: active.files, simulated };
    this.deps.log.info(`run ${summary.state}${simulated ? ' (DRY RUN)' : ''}: ${summaryText(summary)}`);
    for (const d of summary.datasets) this.deps.log.info(`  ${d.batch}: ${d.generated} written to ${d.path}`);
    await this.record(active.files, summary.state === 'finished', simulated);
    this.setStatus({ phase: summary.state, simulated, health: 'healthy', files: active.files, summary });
    if (snapshot) this.emitter.emit('snapshot', snapshot);
    if (summary.stopReason) {
      this.emitter.emit('notice', { type: 'stopped', summary, kind: summary.stopReason.kind, message: summary.stopReason.message });
    } else if (summary.state === 'finished') {
      this.emitter.emit('notice', { type: 'finished', summary, simulated });
    }
    return summary;
  }

  private watch(run: GenerationRun): Disposable[] {
    const p = run.processor;
    const dirty = () => this.markDirty();
    return [
      p.on('started', dirty),
      p.on('succeeded', dirty),
      p.on('failed', dirty),
      p.on('retrying', dirty),
      p.on('step', dirty),
      p.on('queued', dirty),
      run.on('written', dirty),
      run.on('batches', dirty),
      p.on('paused', ({ until, reason, error }) => {
        this.refreshStatus();
        if (reason === 'rate_limit') {
          this.emitter.emit('notice', {
            type: 'rateLimitPaused',
            ...(until !== undefined ? { until } : {}),
            ...(error ? { kind: error.kind } : {}),
          });
        }
      }),
      p.on('resumed', ({ reason }) => {
        this.refreshStatus();
        if (reason === 'rate_limit') this.emitter.emit('notice', { type: 'rateLimitResumed' });
      }),
      p.on('health', ({ snapshot }) => {
        this.setStatus({ ...this.current, health: snapshot.health });
        this.emitter.emit('notice', { type: 'health', health: snapshot.health });
      }),
      p.on('state', () => this.refreshStatus()),
    ];
  }

  private refreshStatus(): void {
    const run = this.active?.run;
    if (!run) return;
    const stats = run.processor.stats;
    const { pausedUntil: _u, pauseReason: _r, ...rest } = this.current;
    this.setStatus({
      ...rest,
      phase: run.state,
      health: stats.health,
      ...(stats.pausedUntil !== undefined ? { pausedUntil: stats.pausedUntil } : {}),
      ...(stats.pauseReason !== undefined ? { pauseReason: stats.pauseReason } : {}),
    });
    this.markDirty();
  }

  private setStatus(next: ControllerStatus): void {
    const prev = this.current;
    this.current = next;
    if (
      prev.phase !== next.phase ||
      prev.health !== next.health ||
      prev.pausedUntil !== next.pausedUntil ||
      prev.pauseReason !== next.pauseReason ||
      prev.simulated !== next.simulated ||
      prev.files.length !== next.files.length ||
      prev.summary !== next.summary
    ) {
      this.emitState();
    }
  }

  private emitState(): void {
    this.emitter.emit('state', this.current);
  }

  // Snapshots: marked dirty by events, sent at most once per interval, plus once a second while
  // running so rates and ETAs move even when nothing completes.
  private startSnapshots(): void {
    this.stopSnapshots();
    this.snapshotDirty = true;
    this.scheduleSnapshot();
  }

  private stopSnapshots(): void {
    if (this.snapshotTimer) this.deps.clock.clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
  }

  private markDirty(): void {
    this.snapshotDirty = true;
  }

  private scheduleSnapshot(): void {
    const interval = this.deps.snapshotIntervalMs ?? 250;
    this.snapshotTimer = this.deps.clock.setTimeout(() => void this.tick(), interval);
  }

  private async tick(): Promise<void> {
    const active = this.active;
    if (!active) return;
    const now = this.deps.clock.now();
    if (this.snapshotDirty || now - this.lastSnapshotAt >= 1000) {
      this.snapshotDirty = false;
      this.lastSnapshotAt = now;
      try {
        const snap = await active.run.snapshot();
        if (this.active === active) {
          this.cachedSnapshot = snap;
          this.emitter.emit('snapshot', snap);
        }
      } catch (error) {
        this.deps.log.debug(`snapshot failed: ${classify(error).message}`);
      }
    }
    if (this.active === active && this.snapshotTimer) this.scheduleSnapshot();
  }

  private requireRun(): GenerationRun {
    const run = this.active?.run;
    if (!run) throw new ForgeError('invalid_request', 'no run in progress');
    return run;
  }

  private async record(files: readonly string[], finished: boolean, simulated: boolean): Promise<void> {
    try {
      await this.deps.saveRecord?.({ files: [...files], finished, simulated, at: this.deps.clock.now() });
    } catch (error) {
      this.deps.log.warn(`could not save the run record: ${classify(error).message}`);
    }
  }
}
