// The panel's rows (conversations and batches) from the engine's jobs and batch progress.
import { redact } from '../../core/errors';
import type { ConversationJob } from '../../core/generate/run/run-jobs';
import type { BatchProgress } from '../../core/generate/run/run-types';
import type { JobState as EngineJobState } from '../../core/queue/types';
import type { MessageBatchSnapshot } from '../../core/message-batches/snapshot';
import type { BatchRow, BatchState, JobFilter, JobRow, JobState, MessageBatchRow, RunState } from '../../protocol/messages';
import type { ControllerPhase } from '../run/run-controller';

const MAX_ERROR_CHARS = 2000;

/** The path shown for a source file. */
export type DisplayPath = (path: string) => string;
export const asIs: DisplayPath = (p) => p;

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

/** Conversations of a batch not yet done (queued, held, in flight or waiting to retry). */
export function openOf(b: BatchProgress): number {
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
    // A batch-mode file's open conversations are at the API in Message Batches, not queued here.
    queued: b.mode === 'batch' ? 0 : openOf(b),
  };
}
