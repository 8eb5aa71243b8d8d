import { classify, type ClassifiedError } from '../errors';
import type { Permit, Settlement } from '../limiter/types';
import { backoffDelay, type BackoffOptions } from './backoff';
import { QUICK_SHARE } from './retry-budget';
import type { Executor, Job, StepContext, StepResult } from './types';

export type Outcome = { readonly ok: true; readonly result: StepResult } | { readonly ok: false; readonly error: unknown };

export interface Flight<T> {
  readonly job: Job<T>;
  readonly controller: AbortController;
  readonly permit: Permit;
  readonly startedAt: number;
}

export interface OutcomePolicy {
  readonly maxAttempts: number;
  readonly backoff: BackoffOptions;
}

/**
 * What one finished dispatch means, as a value the processor applies. Each carries the settlement
 * the limiter gets for the permit. `pause` and `stop` must hold dispatch before the settlement is
 * awaited, so no other job slips out meanwhile; the processor's `apply` does them in that order.
 */
export type Decision =
  /** The conversation is done; `completed` feeds latency and usage to concurrency. */
  | { readonly type: 'succeed'; readonly settlement: Settlement; readonly result: StepResult }
  /** A multi-request job goes on: requeue at the head of its priority with `next`. */
  | { readonly type: 'step'; readonly settlement: Settlement; readonly result: Extract<StepResult, { type: 'continue' }> }
  /**
   * Retry after `delayMs` (0: at once); `attempts` is the job's new count of failed attempts.
   * `quick`: the delay is a quick retry paid from the retry budget (retry-budget.ts).
   */
  | {
      readonly type: 'retry';
      readonly settlement: Settlement;
      readonly error: ClassifiedError;
      readonly attempts: number;
      readonly delayMs: number;
      readonly quick?: true;
    }
  | { readonly type: 'fail'; readonly settlement: Settlement; readonly error: ClassifiedError; readonly attempts: number }
  /** A 429: requeue, hold all dispatch, then settle and announce the pause. */
  | { readonly type: 'pause'; readonly settlement: Settlement; readonly error: ClassifiedError }
  /** Not this job's fault: requeue it for a re-run and stop the run. */
  | { readonly type: 'stop'; readonly settlement: Settlement; readonly error: ClassifiedError }
  | { readonly type: 'cancel'; readonly settlement: Settlement };

/** Runs one step and turns whatever the executor did (return or throw) into an Outcome. */
export async function runStep<T>(executor: Executor<T>, job: Job<T>, ctx: StepContext): Promise<Outcome> {
  try {
    return { ok: true, result: await executor(job, ctx) };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Decides what one finished dispatch means, through `classify`'s action. Pure: changes nothing.
 * `quickRetry`: the retry budget holds a quick retry (retry-budget.ts); the decision says if it spends it.
 */
export function handleOutcome<T>(policy: OutcomePolicy, flight: Flight<T>, outcome: Outcome, quickRetry = false): Decision {
  const { job, controller } = flight;
  if (outcome.ok) {
    const { result } = outcome;
    const settlement: Settlement = { outcome: 'completed', usage: result.usage, headers: result.headers };
    return result.type === 'done' ? { type: 'succeed', settlement, result } : { type: 'step', settlement, result };
  }
  const error = classify(outcome.error, controller.signal);
  switch (error.action) {
    case 'pause':
      return { type: 'pause', error, settlement: { outcome: 'rate_limited', headers: error.headers, retryAfterMs: error.retryAfterMs } };
    case 'backoff':
    case 'regenerate': {
      const attempts = job.attempts + 1;
      const settlement = failedSettlement(error);
      if (attempts >= policy.maxAttempts) return { type: 'fail', settlement, error, attempts };
      if (error.action === 'regenerate') return { type: 'retry', settlement, error, attempts, delayMs: 0 };
      // Only a job's first fault, and not when the server said how long to wait.
      if (quickRetry && attempts === 1 && error.retryAfterMs === undefined) {
        const { baseMs, maxMs, jitter } = policy.backoff;
        const delayMs = backoffDelay({ baseMs: Math.max(1, Math.round(baseMs * QUICK_SHARE)), maxMs, jitter }, 1);
        return { type: 'retry', settlement, error, attempts, delayMs, quick: true };
      }
      return { type: 'retry', settlement, error, attempts, delayMs: backoffDelay(policy.backoff, attempts) };
    }
    case 'fail_job':
      return { type: 'fail', settlement: failedSettlement(error), error, attempts: job.attempts };
    case 'stop_run':
      return { type: 'stop', settlement: failedSettlement(error), error };
    case 'cancel':
      return { type: 'cancel', settlement: { outcome: 'failed', usage: error.usage } };
  }
}

/**
 * A 529 or 5xx status (not a stream that broke midway: that has no status) means the server
 * refused the request instead of answering, so the limiter refunds its input estimate.
 */
function failedSettlement(error: ClassifiedError): Settlement {
  const rejected = (error.kind === 'overloaded' || error.kind === 'server') && error.status !== undefined && !error.usage;
  return { outcome: 'failed', headers: error.headers, usage: error.usage, ...(rejected ? { rejected: true } : {}) };
}

/** The response's request id, for logs; absent (not undefined) when the executor passed no headers. */
export function requestIdOf(result: StepResult): { requestId?: string } {
  const id = result.headers?.get('request-id');
  return id ? { requestId: id } : {};
}
