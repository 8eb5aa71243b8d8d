// Engine snapshot -> the panel's PanelState (and the status bar's facts). Pure: no vscode, no
// timers, no I/O; the host feeds it the controller's status, the latest RunSnapshot, the
// throughput samples it holds and the time.
import { redact } from '../../core/errors';
import type { ConversationJob } from '../../core/generate/run/run-jobs';
import type { BatchProgress, RunSnapshot } from '../../core/generate/run/run-types';
import type { MessageBatchSnapshot } from '../../core/message-batches/snapshot';
import type { LimiterSnapshot } from '../../core/limiter/types';
import type { JobState as EngineJobState, Priority } from '../../core/queue/types';
import { healthOf, worstHealth } from '../../protocol/health';
import { eventsOf } from './panel-events';
import { paceOf } from './pace';
import {
  LIMIT_DIMENSIONS,
  type BatchRow,
  type BatchState,
  type Cost,
  type JobFilter,
  type JobRow,
  type JobState,
  type LimitDimension,
  type LimitGauge,
  type MessageBatchRow,
  type PanelState,
  type PauseReason,
  type Progress,
  type RunState,
  type SelfThrottle,
} from '../../protocol/messages';
import type { ControllerPhase, ControllerStatus } from '../run/run-controller';
import { sharingOf } from './sharing-view';
import { sharingSentence } from '../../core/limiter/sharing-text';

export { MAX_PANEL_EVENTS } from './panel-events';
export const THROUGHPUT_POINTS = 60;
export const THROUGHPUT_SAMPLE_MS = 5000;
/** Projections from fewer finished conversations than this are noise: show none. */
export const MIN_FINISHED_TO_PROJECT = 3;
const MAX_ERROR_CHARS = 2000;

export interface ViewInput {
  readonly status: ControllerStatus;
  /** The active run's latest snapshot, else the last run's final one. */
  readonly snapshot: RunSnapshot | undefined;
  /** Completions per minute, oldest first (see ThroughputSeries). */
  readonly throughput: readonly number[];
  /** Host clock, epoch ms. */
  readonly now: number;
  /** How long nothing new was sent while work was queued (see SendWatch); 0 when unknown. */
  readonly stalledMs?: number;
  /** A source file as the user knows it (relative to the workspace folder); identity when absent. */
  readonly displayPath?: (path: string) => string;
}

/** The path shown for a source file. */
export type DisplayPath = (path: string) => string;
const asIs: DisplayPath = (p) => p;

/**
 * Notes when the run last sent a request, from the snapshots' `started` total, so the view can
 * say "nothing sent for 14 s" instead of showing a running run that does nothing.
 */
export class SendWatch {
  private started = -1;
  private since = 0;

  /** Returns how long nothing new was sent while work waited, as of `now`. */
  observe(snapshot: RunSnapshot | undefined, now: number): number {
    if (!snapshot) {
      this.started = -1;
      return 0;
    }
    const started = snapshot.metrics.totals.started;
    const waiting = snapshot.metrics.processor.queuedTotal > 0;
    if (started !== this.started || !waiting) {
      this.started = started;
      this.since = now;
      return 0;
    }
    return Math.max(0, now - this.since);
  }
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

/**
 * Attempts made, counted from 1. The engine counts the failed attempts of the current step, so
 * a job that succeeded first time holds 0 and one in flight is on attempt `attempts + 1`.
 */
export function attemptsMade(state: EngineJobState, failedAttempts: number): number {
  switch (state) {
    case 'running':
    case 'succeeded':
      return failedAttempts + 1;
    case 'failed':
      return Math.max(1, failedAttempts);
    default:
      return failedAttempts;
  }
}

export function jobRowOf(job: ConversationJob, displayPath: DisplayPath = asIs): JobRow {
  const message = job.lastError?.message;
  return {
    id: job.id,
    batchId: job.batchId,
    priority: job.priority,
    state: ENGINE_TO_JOB_STATE[job.state],
    attempts: attemptsMade(job.state, job.attempts),
    lastError: message === undefined ? null : redact(message).slice(0, MAX_ERROR_CHARS),
    sourceFile: displayPath(job.data.spec.sourceFile),
  };
}

/**
 * Per dimension, the model class closest to its limit (a run may use several classes). The limit
 * is shown once the server reported it: before that it is a tier preset, a guess.
 */
export function limitsOf(limiters: readonly LimiterSnapshot[]): Record<LimitDimension, LimitGauge> {
  const gauge = (d: LimitDimension): LimitGauge => {
    let best: { limit: number; utilization: number; learned: boolean } | undefined;
    for (const l of limiters) {
      const s = l.dimensions[d];
      if (!best || s.utilization > best.utilization)
        best = { limit: s.limit, utilization: s.utilization, learned: s.remaining !== undefined };
    }
    const utilization = clamp01(best?.utilization ?? 0);
    return { limit: best && best.learned && best.limit > 0 ? best.limit : null, utilization, health: healthOf(utilization) };
  };
  return { requests: gauge('requests'), inputTokens: gauge('inputTokens'), outputTokens: gauge('outputTokens') };
}

/** The model class Forge holds lowest below its limits, if any (learning counts as lowest). */
export function selfThrottleOf(limiters: readonly LimiterSnapshot[]): SelfThrottle | undefined {
  let low: SelfThrottle | undefined;
  for (const l of limiters) {
    if (l.throttle && (!low || l.throttle.share < low.share)) low = { share: clamp01(l.throttle.share), reason: l.throttle.reason };
  }
  return low;
}

/** Conversations of a batch not yet done (queued, held, in flight or waiting to retry). */
function openOf(b: BatchProgress): number {
  return Math.max(0, b.total - b.skipped - b.skippedFailed - b.generated - b.failed);
}

function batchStateOf(b: BatchProgress, run: RunState): BatchState {
  if (b.control === 'cancelled') return 'cancelled';
  if (openOf(b) === 0) return 'finished';
  if (run === 'stopped' || run === 'finished') return 'cancelled';
  if (b.control === 'paused') return 'paused';
  if (run === 'idle') return 'pending';
  return b.generated + b.failed > 0 || run === 'running' || run === 'paused' ? 'running' : 'pending';
}

export function messageBatchRowOf(b: MessageBatchSnapshot, displayPath: DisplayPath = asIs): MessageBatchRow {
  return {
    id: b.id ?? null,
    sourceFile: displayPath(b.file),
    state: b.status,
    requests: b.requests,
    counts: b.counts ? { ...b.counts } : null,
    written: b.written,
    submittedAt: b.submittedAt,
    expiresAt: b.expiresAt ?? null,
  };
}

export function batchRowOf(b: BatchProgress, run: RunState, displayPath: DisplayPath = asIs): BatchRow {
  return {
    id: b.id,
    name: b.id,
    sourceFile: displayPath(b.sourceFile),
    priority: b.priority,
    state: batchStateOf(b, run),
    total: b.total,
    succeeded: b.generated + b.skipped,
    failed: b.failed + b.skippedFailed,
    queued: openOf(b),
  };
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
  // An outage holds dispatch too; `until` is when one request next probes the endpoint.
  if (engineReason === 'outage' && until !== undefined) return { until, reason: 'outage' };
  if (status.phase === 'paused') return { until: null, reason: 'user' };
  return { until: null, reason: null };
}

function costOf(snapshot: RunSnapshot, progress: Progress): Cost {
  // Message Batches are billed at batch prices and tracked beside the online metrics.
  const spent = nonNegative(snapshot.metrics.costUsd + (snapshot.messageBatchCostUsd ?? 0));
  let estimate: number | null = snapshot.estimateUsd !== undefined && snapshot.estimateUsd >= 0 ? snapshot.estimateUsd : null;
  if (estimate === null) {
    // Project from this run's finished conversations onto the ones still open.
    const finishedHere = progress.succeeded + progress.failed;
    const open = progress.total - progress.succeeded - progress.failed - progress.skipped;
    if (finishedHere >= MIN_FINISHED_TO_PROJECT) estimate = spent + (spent / finishedHere) * Math.max(0, open);
  }
  const budget = snapshot.budgetUsd !== undefined && snapshot.budgetUsd > 0 ? snapshot.budgetUsd : undefined;
  const m = snapshot.metrics;
  const cache = m.tokens.cacheRead > 0 ? { readShare: Math.min(1, Math.max(0, m.cacheReadShare)), savedUsd: m.cacheSavingsUsd } : undefined;
  return { spent, estimate, ...(budget !== undefined ? { budget } : {}), ...(cache ? { cache } : {}) };
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

/** The newest retry's error, without its job id and retry delay ("529 overloaded_error: Overloaded"). */
function retryErrorOf(snapshot: RunSnapshot): string | undefined {
  const e = snapshot.metrics.log.find((x) => x.type === 'retrying');
  return e ? redact(e.message.replace(/^[^:]*:\s*/, '').replace(/;\s*retry in .*$/, '')).slice(0, 200) : undefined;
}

export function toPanelState(input: ViewInput): PanelState {
  const { status, snapshot, now } = input;
  const pause = pauseOf(input);
  const automatic = pause.reason === 'rateLimited' || pause.reason === 'overloaded' || pause.reason === 'outage';
  const runState = runStateOf(status.phase, automatic);
  const throughput = input.throughput.slice(-THROUGHPUT_POINTS).map(nonNegative);
  const displayPath = input.displayPath ?? asIs;
  if (!snapshot) {
    const progress = { total: 0, queued: 0, active: 0, maxActive: 0, succeeded: 0, failed: 0, retrying: 0, skipped: 0 };
    const limits = emptyLimits();
    const cost = { spent: 0, estimate: null };
    const pace = paceOf({ phase: status.phase, pauseReason: pause.reason, limits, progress, cost, rateLimited: 0, stalledMs: 0 });
    return {
      simulated: status.simulated,
      runState,
      pausedUntil: pause.until,
      pauseReason: pause.reason,
      limits,
      health: 'healthy',
      pace: pace.pace,
      heldBackBy: pace.heldBackBy ?? null,
      paceText: pace.text,
      progress,
      etaSeconds: null,
      cost,
      throughput,
      batches: [],
      events: [],
      lastUpdated: now,
    };
  }
  const limits = limitsOf(snapshot.limiters);
  const health = worstHealth(LIMIT_DIMENSIONS.map((d) => limits[d].health));
  const sharing = sharingOf(snapshot.limiters);
  const progress = progressOf(snapshot);
  const selfThrottle = selfThrottleOf(snapshot.limiters);
  const live = runState === 'running' || runState === 'paused';
  const etaMs = snapshot.metrics.etaMs;
  const cost = costOf(snapshot, progress);
  const stats = snapshot.metrics.processor;
  const stopMessage = stats.stopError?.message ?? status.summary?.stopReason?.message;
  const retryError = retryErrorOf(snapshot);
  const pace = paceOf({
    phase: status.phase,
    pauseReason: pause.reason,
    limits,
    progress,
    cost,
    rateLimited: stats.rateLimited,
    stalledMs: live ? (input.stalledMs ?? 0) : 0,
    ...(stats.outageSince !== undefined ? { outageSince: stats.outageSince } : {}),
    ...(selfThrottle ? { selfThrottle } : {}),
    ...(sharing && !sharing.reachable ? { sharingDown: sharingSentence(sharing) } : {}),
    ...(retryError !== undefined ? { retryError } : {}),
    ...(stopMessage !== undefined ? { stopMessage: redact(stopMessage) } : {}),
  });
  return {
    simulated: status.simulated || snapshot.simulated,
    runState,
    pausedUntil: pause.until,
    pauseReason: pause.reason,
    limits,
    ...(sharing ? { sharing } : {}),
    health,
    ...(selfThrottle ? { selfThrottle } : {}),
    pace: pace.pace,
    heldBackBy: pace.heldBackBy ?? null,
    paceText: pace.text,
    progress,
    etaSeconds: live && etaMs !== undefined && Number.isFinite(etaMs) ? Math.max(0, Math.round(etaMs / 1000)) : null,
    cost,
    throughput,
    batches: snapshot.batches.map((b) => batchRowOf(b, runState, displayPath)),
    ...((snapshot.messageBatches ?? []).length > 0
      ? { messageBatches: snapshot.messageBatches.map((b) => messageBatchRowOf(b, displayPath)) }
      : {}),
    events: eventsOf(snapshot.metrics.log),
    lastUpdated: now,
  };
}

// --- the status bar's facts -------------------------------------------------------------------

export interface StatusFacts {
  readonly panel: PanelState;
  readonly phase: ControllerPhase;
  readonly queuedByPriority: Readonly<Record<Priority, number>>;
  /** The finished run's counts, while the summary is shown. */
  readonly summary?: { readonly generated: number; readonly failed: number; readonly total: number; readonly costUsd: number };
}

export function toStatusFacts(input: ViewInput, panel: PanelState = toPanelState(input)): StatusFacts {
  const stats = input.snapshot?.metrics.processor;
  const s = input.status.summary;
  return {
    panel,
    phase: input.status.phase,
    queuedByPriority: { high: stats?.queued.high ?? 0, normal: stats?.queued.normal ?? 0, low: stats?.queued.low ?? 0 },
    ...(s ? { summary: { generated: s.generated, failed: s.failed, total: s.total, costUsd: s.costUsd } } : {}),
  };
}
