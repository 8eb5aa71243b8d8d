import type { ProcessorState } from './events';
import type { Job, JobState } from './types';

/** The processor's lifecycle and a job's lifecycle, as tables; every transition is asserted. */
const STATE_TRANSITIONS: Readonly<Record<ProcessorState, readonly ProcessorState[]>> = {
  idle: ['running', 'paused', 'stopping', 'stopped'],
  running: ['idle', 'paused', 'stopping', 'stopped'],
  paused: ['running', 'stopping', 'stopped'],
  stopping: ['stopped'],
  stopped: ['running'],
};

const JOB_TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  queued: ['running'],
  running: ['queued', 'retry_wait', 'succeeded', 'failed', 'cancelled'],
  retry_wait: ['queued'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export function assertStateTransition(from: ProcessorState, to: ProcessorState): void {
  if (!STATE_TRANSITIONS[from].includes(to)) throw new Error(`Invalid processor transition ${from} -> ${to}`);
}

export function moveJob(job: Job<unknown>, next: JobState): void {
  if (!JOB_TRANSITIONS[job.state].includes(next)) throw new Error(`Invalid job transition for ${job.id}: ${job.state} -> ${next}`);
  job.state = next;
}
