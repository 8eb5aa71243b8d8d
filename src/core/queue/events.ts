import type { ClassifiedError } from '../errors';
import type { Health, LimiterSnapshot } from '../limiter/types';
import type { Usage } from '../usage';
import type { Job, Priority } from './types';

/** Lifecycle of a processor; transitions are asserted (see processor.ts). */
export type ProcessorState = 'idle' | 'running' | 'paused' | 'stopping' | 'stopped';

/** Why dispatch is paused: the user asked, or a 429 told us to wait. */
export type PauseReason = 'user' | 'rate_limit' | 'outage';

export interface ProcessorHealth {
  readonly health: Health;
  /** Set while a 429 pause holds all dispatch. */
  readonly pausedUntil?: number;
  /** One snapshot per model class the run has used. */
  readonly limiters: readonly LimiterSnapshot[];
}

export interface ProcessorStats {
  readonly state: ProcessorState;
  readonly queued: Readonly<Record<Priority, number>>;
  readonly queuedTotal: number;
  /** Requests in flight. */
  readonly active: number;
  /** Jobs sitting out a backoff delay before going back in the queue. */
  readonly retryWaiting: number;
  /** The current concurrency (derived, ramped, capped). */
  readonly concurrency: number;
  /** The ceiling in force: the user's maximum, or what the machine can hold when none is set. */
  readonly maxConcurrency: number;
  readonly concurrencyCeiling: 'user' | 'machine';
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Retries scheduled so far (backoff and regenerate). */
  readonly retries: number;
  /** 429s received so far. */
  readonly rateLimited: number;
  readonly pausedUntil?: number;
  readonly pauseReason?: PauseReason;
  /** Since when the endpoint has been unreachable, while an outage holds dispatch (pausedUntil is the next probe). */
  readonly outageSince?: number;
  readonly health: Health;
  /** Why the run stopped, while stopping or stopped. */
  readonly stopError?: ClassifiedError;
}

/** Every event the processor emits; all are notifications, none steers the processor. */
export interface ProcessorEvents<T> {
  /** Jobs accepted by one `add` call. */
  queued: { readonly jobs: readonly Job<T>[] };
  started: { readonly job: Job<T>; readonly attempt: number; readonly waitedMs: number };
  /**
   * A step of a multi-request job completed; the job went back to the head of its priority.
   * `requestId` is the response's `request-id` header, when the executor passed headers on.
   */
  step: { readonly job: Job<T>; readonly durationMs: number; readonly usage: Usage; readonly requestId?: string };
  /** `requestId` as for `step`. */
  succeeded: { readonly job: Job<T>; readonly durationMs: number; readonly usage: Usage; readonly requestId?: string };
  /** An attempt failed and will be retried after `delayMs` (0: at once). `error.usage` is spent usage, if any. */
  retrying: { readonly job: Job<T>; readonly error: ClassifiedError; readonly delayMs: number };
  failed: { readonly job: Job<T>; readonly error: ClassifiedError };
  /** An in-flight job was aborted by cancel(). */
  cancelled: { readonly job: Job<T> };
  /** Dispatch paused. For a 429 `until` is when it resumes by itself and `error` is the 429; sent again when a later 429 extends it. */
  paused: { readonly until?: number; readonly reason: PauseReason; readonly error?: ClassifiedError; readonly since?: number };
  resumed: { readonly reason: PauseReason };
  /** Sent only when the health verdict changes. */
  health: { readonly snapshot: ProcessorHealth };
  /** The run stopped (everything in flight has finished); queued jobs stay queued. */
  stopped: { readonly error: ClassifiedError };
  /** Nothing queued, nothing in flight, nothing waiting to retry. */
  idle: Record<string, never>;
  state: { readonly from: ProcessorState; readonly to: ProcessorState };
}
