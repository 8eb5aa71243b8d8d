import { MESSAGE_BATCH_MAX_BYTES, MESSAGE_BATCH_MAX_REQUESTS } from '../../core/api/message-batch-limits';
import { expectNumber, invalidOption } from '../../core/validate';
import { obj, onlyKeys } from '../option-checks';

/**
 * The simulator's Message Batches options: timing, limits, outcomes on request and the broken
 * download. Validated here with the simulator's one message shape; `applyConfigPatch` delegates.
 */
export const BATCH_ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'timeout_error',
  'overloaded_error',
] as const;
export type BatchErrorType = (typeof BATCH_ERROR_TYPES)[number];

/** Which requests get an outcome: listed custom_ids (their first `attempts` submissions) and/or a seeded fraction of all. */
export interface OutcomeRule {
  customIds?: string[];
  /** Probability per submitted request, 0..1, drawn at create from the seeded RNG. */
  fraction?: number;
  /** How many submissions of each listed custom_id get it (default 1: a resubmission succeeds). */
  attempts?: number;
}

export interface BatchOutcomes {
  errored?: OutcomeRule & { errorType?: BatchErrorType };
  expired?: OutcomeRule;
  canceled?: OutcomeRule;
}

export interface MessageBatchConfig {
  /** A batch's last request is done this long after create; the others spread evenly before it. */
  processingSeconds: number;
  /** A batch still running this long after create ends with its unprocessed requests `expired` (the API: 24 h). */
  expirySeconds: number;
  /** How long a canceled batch stays `canceling` before it ends. */
  cancelingSeconds: number;
  /** For this long after create, retrieve, cancel, delete and results answer 404 (the API's early 404). */
  notFoundSeconds: number;
  /** Calls to every batch endpoint (polls, lists and downloads included), own bucket beside the Messages limits. */
  requestsPerMinute: number;
  /** Short window of that bucket, as `burstSeconds` for messages. */
  burstSeconds: number;
  /** Requests in batches not yet ended, across all of them; a create past it gets 429. */
  maxQueuedRequests: number;
  maxRequests: number;
  maxBytes: number;
  outcomes: BatchOutcomes;
  /** The next this-many results downloads break (socket destroyed) after half their lines. */
  brokenDownloads: number;
  /** The next this-many creates make their batch, then drop the connection unanswered (a lost create). */
  lostCreates: number;
  /** The next this-many batch calls, any endpoint, answer 529 overloaded_error and change nothing. */
  overloadedCalls: number;
}

export function defaultMessageBatchConfig(): MessageBatchConfig {
  return {
    processingSeconds: 5,
    expirySeconds: 24 * 3600,
    cancelingSeconds: 0.5,
    notFoundSeconds: 0,
    requestsPerMinute: 1000,
    burstSeconds: 1,
    maxQueuedRequests: 200_000,
    maxRequests: MESSAGE_BATCH_MAX_REQUESTS,
    maxBytes: MESSAGE_BATCH_MAX_BYTES,
    outcomes: {},
    brokenDownloads: 0,
    lostCreates: 0,
    overloadedCalls: 0,
  };
}

const KEYS = [
  'processingSeconds',
  'expirySeconds',
  'cancelingSeconds',
  'notFoundSeconds',
  'requestsPerMinute',
  'burstSeconds',
  'maxQueuedRequests',
  'maxRequests',
  'maxBytes',
  'outcomes',
  'brokenDownloads',
  'lostCreates',
  'overloadedCalls',
] as const;

function rule(name: string, raw: unknown, extra: readonly string[] = []): OutcomeRule {
  const r = obj(name, raw);
  onlyKeys(name, r, ['customIds', 'fraction', 'attempts', ...extra]);
  const out: OutcomeRule = {};
  if (r.customIds !== undefined) {
    if (!Array.isArray(r.customIds) || r.customIds.some((id) => typeof id !== 'string')) {
      throw invalidOption(`${name}.customIds`, 'an array of strings', r.customIds);
    }
    out.customIds = [...(r.customIds as string[])];
  }
  if (r.fraction !== undefined) out.fraction = expectNumber(`${name}.fraction`, r.fraction, { min: 0, max: 1 });
  if (r.attempts !== undefined) out.attempts = expectNumber(`${name}.attempts`, r.attempts, { min: 1, integer: true });
  return out;
}

/** Validates `patch` into a copy of `base`; throws a TypeError naming the first bad field. */
export function applyMessageBatchPatch(base: MessageBatchConfig, patch: unknown): MessageBatchConfig {
  const p = obj('messageBatches', patch);
  onlyKeys('messageBatches', p, KEYS);
  const next = structuredClone(base);
  const seconds = ['processingSeconds', 'expirySeconds', 'cancelingSeconds', 'notFoundSeconds'] as const;
  for (const key of seconds) {
    if (p[key] !== undefined) next[key] = expectNumber(`messageBatches.${key}`, p[key], { min: 0 });
  }
  if (p.requestsPerMinute !== undefined)
    next.requestsPerMinute = expectNumber('messageBatches.requestsPerMinute', p.requestsPerMinute, { min: 1 });
  if (p.burstSeconds !== undefined)
    next.burstSeconds = expectNumber('messageBatches.burstSeconds', p.burstSeconds, { min: 0.001, max: 60 });
  for (const key of ['maxQueuedRequests', 'maxRequests', 'maxBytes'] as const) {
    if (p[key] !== undefined) next[key] = expectNumber(`messageBatches.${key}`, p[key], { min: 1, integer: true });
  }
  for (const key of ['brokenDownloads', 'lostCreates', 'overloadedCalls'] as const) {
    if (p[key] !== undefined) next[key] = expectNumber(`messageBatches.${key}`, p[key], { min: 0, integer: true });
  }
  if (p.outcomes !== undefined) {
    // Outcomes are replaced whole: a patch states the outcomes wanted from now on.
    const o = obj('messageBatches.outcomes', p.outcomes);
    onlyKeys('messageBatches.outcomes', o, ['errored', 'expired', 'canceled']);
    const outcomes: BatchOutcomes = {};
    if (o.errored !== undefined) {
      const r = rule('messageBatches.outcomes.errored', o.errored, ['errorType']);
      const type = (o.errored as { errorType?: unknown }).errorType;
      if (type !== undefined && !(BATCH_ERROR_TYPES as readonly unknown[]).includes(type)) {
        throw invalidOption('messageBatches.outcomes.errored.errorType', `one of ${BATCH_ERROR_TYPES.join(', ')}`, type);
      }
      outcomes.errored = { ...r, ...(type !== undefined ? { errorType: type as BatchErrorType } : {}) };
    }
    if (o.expired !== undefined) outcomes.expired = rule('messageBatches.outcomes.expired', o.expired);
    if (o.canceled !== undefined) outcomes.canceled = rule('messageBatches.outcomes.canceled', o.canceled);
    next.outcomes = outcomes;
  }
  return next;
}
