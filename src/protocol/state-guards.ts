// Structural validation of the host's view models (PanelState, JobsPage).
import {
  BATCH_STATES,
  ETA_BASES,
  EVENT_LEVELS,
  HEALTH_VALUES,
  JOB_STATES,
  LIMIT_DIMENSIONS,
  MAX_JOBS_PAGE,
  HELD_BACK_BY,
  PACES,
  PAUSE_REASONS,
  PRIORITIES,
  RUN_STATES,
  SELF_THROTTLE_REASONS,
  SHARING_SCOPES,
  type BatchRow,
  type Cost,
  type EstimateCheckView,
  type WorkView,
  type JobFilter,
  type JobRow,
  type JobsPage,
  type LimitGauge,
  type PanelEvent,
  type PanelState,
  type Progress,
  type SelfThrottle,
  type SharingView,
} from './messages';
import {
  hasOnlyKeys,
  isArrayOf,
  isCount,
  isFiniteNumber,
  isFraction,
  isId,
  isNonNegative,
  isNullOr,
  isOneOf,
  isOptional,
  isRecord,
  isText,
} from './checks';

const MAX_EVENTS = 100;
const MAX_THROUGHPUT_POINTS = 60;
const MAX_BATCHES = 10_000;

function isLimitGauge(x: unknown): x is LimitGauge {
  return isRecord(x) && isNullOr(isNonNegative, x.limit) && isFraction(x.utilization) && isOneOf(HEALTH_VALUES, x.health);
}

function isLimits(x: unknown): x is PanelState['limits'] {
  return isRecord(x) && LIMIT_DIMENSIONS.every((d) => isLimitGauge(x[d]));
}

function isSelfThrottle(x: unknown): x is SelfThrottle {
  return isRecord(x) && hasOnlyKeys(x, ['share', 'reason']) && isFraction(x.share) && isOneOf(SELF_THROTTLE_REASONS, x.reason);
}

function isSharingView(x: unknown): x is SharingView {
  return (
    isRecord(x) &&
    isOneOf(SHARING_SCOPES, x.scope) &&
    isCount(x.processes) &&
    typeof x.reachable === 'boolean' &&
    isNullOr((y): y is string => isText(y, 1_000), x.problem)
  );
}

function isProgress(x: unknown): x is Progress {
  return (
    isRecord(x) &&
    (['total', 'queued', 'active', 'maxActive', 'succeeded', 'failed', 'retrying', 'skipped'] as const).every((k) => isCount(x[k]))
  );
}

function isWorkView(x: unknown): x is WorkView {
  return (
    isRecord(x) &&
    isCount(x.stepsDone) &&
    isCount(x.stepsTotal) &&
    isFraction(x.fraction) &&
    (x.etaBasis === null || isOneOf(ETA_BASES, x.etaBasis)) &&
    (x.binding === null || isOneOf(LIMIT_DIMENSIONS, x.binding)) &&
    isNullOr(isNonNegative, x.bindingPerMinute) &&
    (x.messageBatches === null ||
      (isRecord(x.messageBatches) &&
        isCount(x.messageBatches.requests) &&
        isCount(x.messageBatches.done) &&
        typeof x.messageBatches.waiting === 'boolean'))
  );
}

function isEstimateCheck(x: unknown): x is EstimateCheckView {
  const eta = (y: unknown): y is EstimateCheckView['etaAtFifth'] =>
    y === null || (isRecord(y) && isNonNegative(y.etaSeconds) && isNonNegative(y.actualSeconds) && isFiniteNumber(y.errorPercent));
  return (
    isRecord(x) &&
    isNonNegative(x.estimatedSeconds) &&
    isNonNegative(x.actualSeconds) &&
    isFiniteNumber(x.timeErrorPercent) &&
    isNonNegative(x.estimatedUsd) &&
    isNonNegative(x.actualUsd) &&
    isNullOr(isFiniteNumber, x.costErrorPercent) &&
    eta(x.etaAtFifth) &&
    typeof x.messageBatches === 'boolean'
  );
}

function isCost(x: unknown): x is Cost {
  return (
    isRecord(x) &&
    isNonNegative(x.spent) &&
    isNullOr(isNonNegative, x.estimate) &&
    isOptional(isNonNegative, x.budget) &&
    isOptional(isCacheCost, x.cache)
  );
}

function isCacheCost(x: unknown): x is NonNullable<Cost['cache']> {
  return (
    isRecord(x) &&
    isNonNegative(x.readShare) &&
    (x.readShare as number) <= 1 &&
    typeof x.savedUsd === 'number' &&
    Number.isFinite(x.savedUsd)
  );
}

function isBatchRow(x: unknown): x is BatchRow {
  return (
    isRecord(x) &&
    isId(x.id) &&
    isText(x.name) &&
    isText(x.sourceFile, 4096) &&
    isOneOf(PRIORITIES, x.priority) &&
    isOneOf(BATCH_STATES, x.state) &&
    isCount(x.total) &&
    isCount(x.succeeded) &&
    isCount(x.failed) &&
    isCount(x.queued)
  );
}

function isPanelEvent(x: unknown): x is PanelEvent {
  return (
    isRecord(x) &&
    isFiniteNumber(x.at) &&
    isOneOf(EVENT_LEVELS, x.level) &&
    isText(x.message, 10_000) &&
    isOptional((y): y is number => isCount(y) && y >= 1, x.count)
  );
}

export function isPanelState(x: unknown): x is PanelState {
  return (
    isRecord(x) &&
    typeof x.simulated === 'boolean' &&
    isOneOf(RUN_STATES, x.runState) &&
    isNullOr(isFiniteNumber, x.pausedUntil) &&
    (x.pauseReason === null || isOneOf(PAUSE_REASONS, x.pauseReason)) &&
    isLimits(x.limits) &&
    isOptional(isSharingView, x.sharing) &&
    isOneOf(HEALTH_VALUES, x.health) &&
    isOptional(isSelfThrottle, x.selfThrottle) &&
    isOneOf(PACES, x.pace) &&
    (x.pace === 'heldBack' ? isOneOf(HELD_BACK_BY, x.heldBackBy) : x.heldBackBy === null) &&
    isText(x.paceText) &&
    isProgress(x.progress) &&
    isNullOr(isNonNegative, x.etaSeconds) &&
    isOptional(isWorkView, x.work) &&
    isOptional(isEstimateCheck, x.estimateCheck) &&
    isCost(x.cost) &&
    isArrayOf(isNonNegative, x.throughput, MAX_THROUGHPUT_POINTS) &&
    isArrayOf(isBatchRow, x.batches, MAX_BATCHES) &&
    isArrayOf(isPanelEvent, x.events, MAX_EVENTS) &&
    isFiniteNumber(x.lastUpdated)
  );
}

export function isJobFilter(x: unknown): x is JobFilter {
  return (
    isRecord(x) &&
    hasOnlyKeys(x, ['state', 'batchId']) &&
    isOptional((y): y is JobFilter['state'] => isOneOf(JOB_STATES, y), x.state) &&
    isOptional(isId, x.batchId)
  );
}

export function isPageLimit(x: unknown): x is number {
  return isCount(x) && x >= 1 && x <= MAX_JOBS_PAGE;
}

function isJobRow(x: unknown): x is JobRow {
  return (
    isRecord(x) &&
    isId(x.id) &&
    isId(x.batchId) &&
    isOneOf(PRIORITIES, x.priority) &&
    isOneOf(JOB_STATES, x.state) &&
    isCount(x.attempts) &&
    isNullOr((y): y is string => isText(y, 10_000), x.lastError) &&
    isText(x.sourceFile, 4096)
  );
}

export function isJobsPage(x: unknown): x is JobsPage {
  return (
    isRecord(x) &&
    isCount(x.offset) &&
    isPageLimit(x.limit) &&
    isJobFilter(x.filter) &&
    isCount(x.total) &&
    isArrayOf(isJobRow, x.rows, x.limit)
  );
}
