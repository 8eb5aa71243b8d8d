import type { ClassifiedError } from '../errors';
import type { RateLimiter } from '../limiter/types';
import type { BackoffOptions } from './backoff';
import type { ProcessorEvents } from './events';
import type { OutcomeHost } from './outcome';
import { moveJob } from './transitions';
import type { TypedEmitter } from './typed-emitter';
import type { Job, StepResult } from './types';

export interface Tallies {
  succeeded: number;
  failed: number;
  cancelled: number;
  retries: number;
  rateLimited: number;
}

export interface OutcomeHostDeps<T>
  extends Pick<OutcomeHost<T>, 'completed' | 'requeue' | 'beginRateLimitPause' | 'announceRateLimitPause' | 'stop'> {
  readonly limiter: Pick<RateLimiter, 'settle'>;
  readonly maxAttempts: number;
  readonly backoff: BackoffOptions;
  readonly emitter: TypedEmitter<ProcessorEvents<T>>;
  /** Mutated in place: the processor's stats read them. */
  readonly counts: Tallies;
  /** Puts a job in retry_wait for `delayMs`, or straight back in the queue when 0. */
  retryLater(job: Job<T>, delayMs: number): void;
}

/** The terminal and retry steps of outcome handling: the job's state, the tallies and the event, together. */
export function createOutcomeHost<T>(deps: OutcomeHostDeps<T>): OutcomeHost<T> {
  const { emitter, counts } = deps;
  return {
    maxAttempts: deps.maxAttempts,
    backoff: deps.backoff,
    async settle(permit, settlement) {
      try {
        await deps.limiter.settle(permit, settlement);
      } catch {
        // A limiter that cannot record a settlement must not strand the job; its estimate
        // simply stays conservative until headers correct it.
      }
    },
    completed: deps.completed,
    requeue: deps.requeue,
    beginRateLimitPause(error) {
      counts.rateLimited++;
      deps.beginRateLimitPause(error);
    },
    announceRateLimitPause: deps.announceRateLimitPause,
    stop: deps.stop,
    succeed(job, durationMs, result) {
      moveJob(job, 'succeeded');
      counts.succeeded++;
      emitter.emit('succeeded', { job, durationMs, usage: result.usage, ...requestIdOf(result) });
    },
    step(job, durationMs, result) {
      job.next = result.next;
      deps.requeue(job);
      emitter.emit('step', { job, durationMs, usage: result.usage, ...requestIdOf(result) });
    },
    retry(job, error: ClassifiedError, delayMs) {
      counts.retries++;
      deps.retryLater(job, delayMs);
      emitter.emit('retrying', { job, error, delayMs });
    },
    fail(job, error) {
      moveJob(job, 'failed');
      counts.failed++;
      emitter.emit('failed', { job, error });
    },
    cancelled(job) {
      moveJob(job, 'cancelled');
      counts.cancelled++;
      emitter.emit('cancelled', { job });
    },
  };
}

/** The response's request id, for logs; absent (not undefined) when the executor passed no headers. */
function requestIdOf(result: StepResult): { requestId?: string } {
  const id = result.headers?.get('request-id');
  return id ? { requestId: id } : {};
}
