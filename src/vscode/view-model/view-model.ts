// Engine snapshot -> the panel's PanelState (and the status bar's facts). Pure: no vscode, no
// timers, no I/O; the host feeds it the controller's status, the latest RunSnapshot, the
// throughput samples it holds and the time.
import { redact } from '../../core/errors';
import type { ConversationJob } from '../../core/generate/run/run-jobs';
import type { BatchProgress, RunSnapshot } from '../../core/generate/run/run-types';
import type { LimiterSnapshot } from '../../core/limiter/types';
import type { LogEntry } from '../../core/metrics/metrics';
import type { JobState as EngineJobState, Priority } from '../../core/queue/types';
import { healthOf, worstHealth } from '../../protocol/health';
import {
  LIMIT_DIMENSIONS,
  type BatchRow, type BatchState, type Cost, type EventLevel, type JobFilter, type JobRow, type JobState,
  type LimitDimension, type LimitGauge, type PanelEvent, type PanelState, type PauseReason, type Progress,
  type RunState,
} from '../../protocol/messages';
import type { ControllerPhase, ControllerStatus } from '../run/run-controller';
import { sharingOf } from './sharing-view';

export const MAX_PANEL_EVENTS = 100;
export const THROUGHPUT_POINTS = 60;
export const THROUGHPUT_SAMPLE_MS = 5000;
/** Projections from fewer finished conversations than this are noise: show none. */
export const MIN_FINISHED_TO_PROJECT = 3;
const MAX_ERROR_CHARS = 2000;
const MAX_EVENT_CHARS = 2000;

export interface ViewInput {
  readonly status: ControllerStatus;
  /** The active run's latest snapshot, else the last run's final one. */
  readonly snapshot: RunSnapshot | undefined;
  /** Completions per minute, oldest first (see ThroughputSeries). */
  readonly throughput: readonly number[];
  /** Batches dropped with cancelBatch (the engine marks them held, like paused ones). */
  readonly cancelledBatches?: ReadonlySet<string>;
  /** Host clock, epoch ms. */
  readonly now: number;
}

/**
 * Completions-per-minute samples held by the host: at most one every THROUGHPUT_SAMPLE_MS, the
 * last THROUGHPUT_POINTS kept. `sample` is called on every snapshot; it decides whether to keep it.
 */
export class ThroughputSeries {
  private points: number[] = [];
  private lastAt: number | undefined;

  constructor(
    private readonly everyMs = THROUGHPUT_SAMPLE_MS,
    private readonly max = THROUGHPUT_POINTS,
  ) {}

  sample(at: number, perMinute: number): boolean {
    if (this.lastAt !== undefined && at - this.lastAt < this.everyMs) return false;
    this.lastAt = at;
    this.points.push(Math.max(0, Number.isFinite(perMinute) ? perMinute : 0));
    if (this.points.length > this.max) this.points.splice(0, this.points.length - this.max);
    return true;
  }

  values(): number[] {
    return [...this.points];
  }

  clear(): void {
    this.points = [];
    this.lastAt = undefined;
  }
}

// --- small mappings -------------------------------------------------------------------------

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const nonNegative = (x: number) => (Number.isFinite(x) && x > 0 ? x : 0);

export function runStateOf(phase: ControllerPhase, automaticPause: boolean): RunState {
  switch (phase) {
    case 'idle':
    case 'ready':
      return 'idle';
    case 'starting':
      return 'running';
    case 'running':
      return automaticPause ? 'paused' : 'running';
    case 'paused':
      return 'paused';
    case 'finished':
      return 'finished';
    case 'stopped':
    case 'cancelled':
      return 'stopped';
  }
}

const ENGINE_TO_JOB_STATE: Record<EngineJobState, JobState> = {
  queued: 'queued',
  running: 'active',
  retry_wait: 'retrying',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/**
 * The engine filter for a protocol filter; undefined when no engine job can match (skipped
 * conversations were already in the dataset and are not jobs).
 */
export function engineJobFilter(filter: JobFilter | undefined): { state?: EngineJobState; batchId?: string } | undefined {
  const out: { state?: EngineJobState; batchId?: string } = {};
  if (filter?.batchId !== undefined) out.batchId = filter.batchId;
  if (filter?.state !== undefined) {
    const engine = (Object.keys(ENGINE_TO_JOB_STATE) as EngineJobState[]).find((k) => ENGINE_TO_JOB_STATE[k] === filter.state);
    if (!engine) return undefined;
    out.state = engine;
  }
  return out;
}

export function jobRowOf(job: ConversationJob): JobRow {
  const message = job.lastError?.message;
  return {
    id: job.id,
    batchId: job.batchId,
    priority: job.priority,
    state: ENGINE_TO_JOB_STATE[job.state],
    attempts: job.attempts,
    lastError: message === undefined ? null : redact(message).slice(0, MAX_ERROR_CHARS),
    sourceFile: job.data.spec.sourceFile,
  };
}

/** Per dimension, the model class closest to its limit (a run may use several classes). */
export function limitsOf(limiters: readonly LimiterSnapshot[]): Record<LimitDimension, LimitGauge> {
  const gauge = (d: LimitDimension): LimitGauge => {
    let best: { limit: number; utilization: number } | undefined;
    for (const l of limiters) {
      const s = l.dimensions[d];
      if (!best || s.utilization > best.utilization) best = { limit: s.limit, utilization: s.utilization };
    }
    const utilization = clamp01(best?.utilization ?? 0);
    return { limit: best && best.limit > 0 ? best.limit : null, utilization, health: healthOf(utilization) };
  };
  return { requests: gauge('requests'), inputTokens: gauge('inputTokens'), outputTokens: gauge('outputTokens') };
}

/** Conversations of a batch not yet done (queued, held, in flight or waiting to retry). */
function openOf(b: BatchProgress): number {
  return Math.max(0, b.total - b.skipped - b.skippedFailed - b.generated - b.failed);
}

function batchStateOf(b: BatchProgress, run: RunState, cancelled: boolean): BatchState {
  if (cancelled) return 'cancelled';
  if (openOf(b) === 0) return 'finished';
  if (run === 'stopped' || run === 'finished') return 'cancelled';
  if (b.held) return 'paused';
  if (run === 'idle') return 'pending';
  return b.generated + b.failed > 0 || run === 'running' || run === 'paused' ? 'running' : 'pending';
}

export function batchRowOf(b: BatchProgress, run: RunState, cancelled = false): BatchRow {
  return {
    id: b.id,
    name: b.id,
    sourceFile: b.sourceFile,
    priority: b.priority,
    state: batchStateOf(b, run, cancelled),
    total: b.total,
    succeeded: b.generated + b.skipped,
    failed: b.failed + b.skippedFailed,
    queued: openOf(b),
  };
}

function levelOf(e: LogEntry): EventLevel {
  switch (e.type) {
    case 'failed':
    case 'stopped':
      return 'error';
    case 'retrying':
    case 'cancelled':
      return 'warn';
    case 'paused':
      return /429/.test(e.message) ? 'warn' : 'info';
    default:
      return 'info';
  }
}

export function eventsOf(log: readonly LogEntry[]): PanelEvent[] {
  return log.slice(0, MAX_PANEL_EVENTS).map((e) => ({ at: e.at, level: levelOf(e), message: redact(e.message).slice(0, MAX_EVENT_CHARS) }));
}

/** The pause the UI shows: from the status (fresh) while a run is live, else from the snapshot. */
function pauseOf(input: ViewInput): { until: number | null; reason: PauseReason | null } {
  const { status, snapshot } = input;
  const live = status.phase === 'running' || status.phase === 'paused';
  if (!live) return { until: null, reason: null };
  const stats = snapshot?.metrics.processor;
  const until = status.pausedUntil ?? stats?.pausedUntil;
  const engineReason = status.pauseReason ?? stats?.pauseReason;
  if (engineReason === 'rate_limit' && until !== undefined) return { until, reason: 'rateLimited' };
  if (status.phase === 'paused') return { until: null, reason: 'user' };
  return { until: null, reason: null };
}

function costOf(snapshot: RunSnapshot, progress: Progress): Cost {
  const spent = nonNegative(snapshot.metrics.costUsd);
  let estimate: number | null = snapshot.estimateUsd !== undefined && snapshot.estimateUsd >= 0 ? snapshot.estimateUsd : null;
  if (estimate === null) {
    // Project from this run's finished conversations onto the ones still open.
    const finishedHere = progress.succeeded + progress.failed;
    const open = progress.total - progress.succeeded - progress.failed - progress.skipped;
    if (finishedHere >= MIN_FINISHED_TO_PROJECT) estimate = spent + (spent / finishedHere) * Math.max(0, open);
  }
  const budget = snapshot.budgetUsd !== undefined && snapshot.budgetUsd > 0 ? snapshot.budgetUsd : undefined;
  return { spent, estimate, ...(budget !== undefined ? { budget } : {}) };
}

function progressOf(snapshot: RunSnapshot): Progress {
  const stats = snapshot.metrics.processor;
  const sum = (f: (b: BatchProgress) => number) => snapshot.batches.reduce((n, b) => n + f(b), 0);
  return {
    total: sum((b) => b.total),
    // Open conversations (per batch) include those in flight and waiting to retry.
    queued: Math.max(0, sum(openOf) - stats.active - stats.retryWaiting),
    active: stats.active,
    maxActive: Math.max(stats.concurrency, stats.active),
    // This run's outcomes; `skipped` are the ones the dataset already held (done or failed
    // earlier), so succeeded + failed + skipped counts everything finished.
    succeeded: sum((b) => b.generated),
    failed: sum((b) => b.failed),
    retrying: stats.retryWaiting,
    skipped: sum((b) => b.skipped + b.skippedFailed),
  };
}

function emptyLimits(): Record<LimitDimension, LimitGauge> {
  const g = (): LimitGauge => ({ limit: null, utilization: 0, health: 'healthy' });
  return Object.fromEntries(LIMIT_DIMENSIONS.map((d) => [d, g()])) as Record<LimitDimension, LimitGauge>;
}

export function toPanelState(input: ViewInput): PanelState {
  const { status, snapshot, now } = input;
  const pause = pauseOf(input);
  const automatic = pause.reason === 'rateLimited' || pause.reason === 'overloaded';
  const runState = runStateOf(status.phase, automatic);
  const throughput = input.throughput.slice(-THROUGHPUT_POINTS).map(nonNegative);
  if (!snapshot) {
    return {
      simulated: status.simulated,
      runState,
      pausedUntil: pause.until,
      pauseReason: pause.reason,
      limits: emptyLimits(),
      health: automatic ? 'throttled' : 'healthy',
      progress: { total: 0, queued: 0, active: 0, maxActive: 0, succeeded: 0, failed: 0, retrying: 0, skipped: 0 },
      etaSeconds: null,
      cost: { spent: 0, estimate: null },
      throughput,
      batches: [],
      events: [],
      lastUpdated: now,
    };
  }
  const limits = limitsOf(snapshot.limiters);
  const sharing = sharingOf(snapshot.limiters);
  // Throttled while a 429 holds dispatch, whatever the (decaying) utilization says.
  const health = automatic ? 'throttled' : worstHealth(LIMIT_DIMENSIONS.map((d) => limits[d].health));
  const progress = progressOf(snapshot);
  const live = runState === 'running' || runState === 'paused';
  const etaMs = snapshot.metrics.etaMs;
  const cancelled = input.cancelledBatches ?? new Set<string>();
  return {
    simulated: status.simulated || snapshot.simulated,
    runState,
    pausedUntil: pause.until,
    pauseReason: pause.reason,
    limits,
    ...(sharing ? { sharing } : {}),
    health,
    progress,
    etaSeconds: live && etaMs !== undefined && Number.isFinite(etaMs) ? Math.max(0, Math.round(etaMs / 1000)) : null,
    cost: costOf(snapshot, progress),
    throughput,
    batches: snapshot.batches.map((b) => batchRowOf(b, runState, cancelled.has(b.id))),
    events: eventsOf(snapshot.metrics.log),
    lastUpdated: now,
  };
}

// --- the status bar's facts -------------------------------------------------------------------

export interface StatusFacts {
  readonly panel: PanelState;
  readonly phase: ControllerPhase;
  readonly queuedByPriority: Readonly<Record<Priority, number>>;
  /** Mean wait from enqueue to start; null before anything started. */
  readonly meanWaitMs: number | null;
  /** The finished run's counts, while the summary is shown. */
  readonly summary?: { readonly generated: number; readonly failed: number; readonly total: number; readonly costUsd: number };
}

export function toStatusFacts(input: ViewInput, panel: PanelState = toPanelState(input)): StatusFacts {
  const stats = input.snapshot?.metrics.processor;
  const wait = input.snapshot?.metrics.waitMs;
  const s = input.status.summary;
  return {
    panel,
    phase: input.status.phase,
    queuedByPriority: { high: stats?.queued.high ?? 0, normal: stats?.queued.normal ?? 0, low: stats?.queued.low ?? 0 },
    meanWaitMs: wait && wait.count > 0 && Number.isFinite(wait.mean) ? wait.mean : null,
    ...(s ? { summary: { generated: s.generated, failed: s.failed, total: s.total, costUsd: s.costUsd } } : {}),
  };
}
