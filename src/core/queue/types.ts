import type { ClassifiedError, HeaderSource } from '../errors';
import type { Permit } from '../limiter/types';
import type { Usage } from '../usage';

export type Priority = 'high' | 'normal' | 'low';
export const PRIORITIES: readonly Priority[] = ['high', 'normal', 'low'];

/**
 * A job's lifecycle; transitions are asserted by the processor:
 * queued -> running -> (queued | retry_wait | succeeded | failed | cancelled), retry_wait -> queued.
 */
export type JobState = 'queued' | 'running' | 'retry_wait' | 'succeeded' | 'failed' | 'cancelled';

/** Expected cost of the job's next request. */
export interface RequestEstimate {
  /** Input that counts against ITPM: new input and cache writes (cache reads do not count). */
  inputTokens: number;
  maxTokens: number;
  expectedOutputTokens?: number;
  /**
   * Requests the job still has to make, this one included (a `turns` conversation: the messages
   * still to write). Orders chains longest remaining first (step-heap.ts, chain-budget.ts). Absent: 1.
   */
  stepsLeft?: number;
  /** Set when the request uses the prompt cache: the input predicted to be read, and the write TTL. */
  cache?: { readonly readTokens: number; readonly ttl: '5m' | '1h' };
}

export interface Job<T = unknown> {
  readonly id: string;
  /** Source batch (prompt file); fairness is round-robin between batches within a priority. */
  readonly batchId: string;
  priority: Priority;
  /** Model id, e.g. claude-haiku-5-5. */
  readonly model: string;
  /** Rate limits apply per model class. */
  readonly modelClass: string;
  next: RequestEstimate;
  /** Failed attempts of the current step (429 pauses do not count); a completed step resets it. */
  attempts: number;
  /** Requests completed for this job (a multi-turn job makes several). */
  steps: number;
  state: JobState;
  enqueuedAt: number;
  lastError?: ClassifiedError;
  readonly data: T;
}

/**
 * One dispatch performs exactly one API request. A job that needs several (one per turn)
 * answers `continue` and is put back at the head of its priority without using an attempt.
 */
export type StepResult =
  | { readonly type: 'done'; readonly usage: Usage; readonly headers?: HeaderSource }
  | {
      readonly type: 'continue';
      readonly usage: Usage;
      readonly headers?: HeaderSource;
      readonly next: RequestEstimate;
    };

export interface StepContext {
  readonly signal: AbortSignal;
  /** 1-based attempt number of this step. */
  readonly attempt: number;
  readonly permit: Permit;
  /**
   * Pass to the API call (ModelRequest.onHeaders): the limiter learns from a streamed response's
   * rate-limit headers when it starts, not when it ends.
   */
  readonly onHeaders?: (headers: HeaderSource) => void;
}

/** Runs one step of a job; throws (anything) on failure; `classify` decides what it means. */
export type Executor<T> = (job: Job<T>, ctx: StepContext) => Promise<StepResult>;
