// Engine snapshot -> the panel's PanelState (and the status bar's facts). Pure: no vscode, no
// timers, no I/O; the host feeds it the controller's status, the latest RunSnapshot, the
// throughput samples it holds and the time.
import { redact } from '../../core/errors';
import { estimateCheckViewOf, workViewOf } from '../../engine/work-view';
import type { BatchProgress, RunSnapshot } from '../../core/generate/run/run-types';
import type { Priority } from '../../core/queue/types';
import { worstHealth } from '../../protocol/health';
import { eventsOf } from './panel-events';
import { paceOf } from './pace';
import { LIMIT_DIMENSIONS, type Cost, type PanelState, type PauseReason, type Progress } from '../../protocol/messages';
import type { ControllerPhase, ControllerStatus } from '../run/run-controller';
import { sharingOf } from './sharing-view';
import { sharingSentence } from '../../core/limiter/sharing-text';
import { THROUGHPUT_POINTS } from './series';
import { asIs, batchRowOf, messageBatchRowOf, openOf, runStateOf } from './rows';
import { emptyLimits, limitsOf, selfThrottleOf } from './limit-gauges';

export { MAX_PANEL_EVENTS } from './panel-events';
/** Projections from fewer finished conversations than this are noise: show none. */
export const MIN_FINISHED_TO_PROJECT = 3;

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

export { SendWatch, ThroughputSeries, THROUGHPUT_POINTS, THROUGHPUT_SAMPLE_MS } from './series';
export { attemptsMade, batchRowOf, engineJobFilter, jobRowOf, runStateOf, type DisplayPath } from './rows';
export { limitsOf, selfThrottleOf } from './limit-gauges';

const nonNegative = (x: number) => (Number.isFinite(x) && x > 0 ? x : 0);

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
    // Open conversations (per batch) include those in flight and waiting to retry; a batch-mode
    // file's are at the API in Message Batches, not queued here.
    queued: Math.max(0, sum((b) => (b.mode === 'batch' ? 0 : openOf(b))) - stats.active - stats.retryWaiting),
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

/** The Message Batches still submitting or at the API: what a run with nothing online left waits on. */
function messageBatchesWaitingOf(snapshot: RunSnapshot): { messageBatchesWaiting?: { batches: number; requests: number } } {
  const waiting = (snapshot.messageBatches ?? []).filter((b) => b.status !== 'ended');
  if (waiting.length === 0) return {};
  return { messageBatchesWaiting: { batches: waiting.length, requests: waiting.reduce((n, b) => n + b.requests, 0) } };
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
    ...messageBatchesWaitingOf(snapshot),
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
    work: workViewOf(snapshot.progress),
    ...(status.summary?.estimateCheck ? { estimateCheck: estimateCheckViewOf(status.summary.estimateCheck) } : {}),
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
