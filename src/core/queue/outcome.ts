import { classify, type ClassifiedError } from '../errors';
import type { Permit, Settlement } from '../limiter/types';
import { backoffDelay, type BackoffOptions } from './backoff';
import type { Executor, Job, StepContext, StepResult } from './types';

export type Outcome = { readonly ok: true; readonly result: StepResult } | { readonly ok: false; readonly error: unknown };

export interface Flight<T> {
  readonly job: Job<T>;
  readonly controller: AbortController;
  readonly permit: Permit;
  readonly startedAt: number;
}

/** What outcome handling needs from the processor; each method is one bookkeeping step. */
export interface OutcomeHost<T> {
  readonly maxAttempts: number;
  readonly backoff: BackoffOptions;
  /** Never rejects: a limiter that cannot record a settlement must not strand the job. */
  settle(permit: Permit, settlement: Settlement): Promise<void>;
  /** A request went through: feeds latency and usage to concurrency, ends any 429 streak. */
  completed(job: Job<T>, durationMs: number, result: StepResult): void;
  succeed(job: Job<T>, durationMs: number, result: StepResult): void;
  /** A multi-request job goes on: requeue at the head of its priority. */
  step(job: Job<T>, durationMs: number, result: Extract<StepResult, { type: 'continue' }>): void;
  /** Retries after `delayMs` (at once when the run is stopping). */
  retry(job: Job<T>, error: ClassifiedError, delayMs: number): void;
  fail(job: Job<T>, error: ClassifiedError): void;
  cancelled(job: Job<T>): void;
  requeue(job: Job<T>): void;
  /** Holds all dispatch at once (synchronously), before anything is awaited. */
  beginRateLimitPause(error: ClassifiedError): void;
  /** Settles the pause's length (may ask the limiter) and announces it. */
  announceRateLimitPause(error: ClassifiedError, modelClass: string): Promise<void>;
  stop(error: ClassifiedError): void;
}

/** Runs one step and turns whatever the executor did (return or throw) into an Outcome. */
export async function runStep<T>(executor: Executor<T>, job: Job<T>, ctx: StepContext): Promise<Outcome> {
  try {
    return { ok: true, result: await executor(job, ctx) };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Decides what one finished dispatch means, through `classify`'s action. A 429 or a run-stopping
 * error holds dispatch before the first await, so no other job slips out while the permit settles.
 */
export async function handleOutcome<T>(host: OutcomeHost<T>, flight: Flight<T>, outcome: Outcome, durationMs: number): Promise<void> {
  const { job, permit, controller } = flight;
  if (outcome.ok) {
    const { result } = outcome;
    await host.settle(permit, { outcome: 'completed', usage: result.usage, headers: result.headers });
    job.steps++;
    host.completed(job, durationMs, result);
    if (result.type === 'done') host.succeed(job, durationMs, result);
    else {
      // Each step is a new request: a flaky turn 3 must not use up the attempts of turn 7.
      job.attempts = 0;
      host.step(job, durationMs, result);
    }
    return;
  }
  const error = classify(outcome.error, controller.signal);
  switch (error.action) {
    case 'pause':
      host.requeue(job);
      host.beginRateLimitPause(error);
      await host.settle(permit, { outcome: 'rate_limited', headers: error.headers, retryAfterMs: error.retryAfterMs });
      await host.announceRateLimitPause(error, job.modelClass);
      return;
    case 'backoff':
    case 'regenerate': {
      await host.settle(permit, failedSettlement(error));
      job.attempts++;
      job.lastError = error;
      if (job.attempts >= host.maxAttempts) return host.fail(job, error);
      const delayMs = error.action === 'backoff' ? backoffDelay(host.backoff, job.attempts) : 0;
      host.retry(job, error, delayMs);
      return;
    }
    case 'fail_job':
      await host.settle(permit, failedSettlement(error));
      job.lastError = error;
      return host.fail(job, error);
    case 'stop_run':
      job.lastError = error;
      // Not this job's fault: keep it queued so a re-run picks it up.
      host.requeue(job);
      host.stop(error);
      await host.settle(permit, failedSettlement(error));
      return;
    case 'cancel':
      await host.settle(permit, { outcome: 'failed', usage: error.usage });
      host.cancelled(job);
      return;
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
