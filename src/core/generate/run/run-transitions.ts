import { ForgeError } from '../../errors';
import type { BatchControl, BatchProgress, RunState } from './run-types';

/**
 * The run's lifecycle and a batch's hold, as tables; every change goes through an asserted move
 * (like the processor's in queue/transitions.ts). A run cancelled before it started ends there:
 * `ready -> cancelled` never dispatches anything.
 */
const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  ready: ['running', 'cancelled'],
  running: ['paused', 'finished', 'stopped', 'cancelled'],
  paused: ['running', 'finished', 'stopped', 'cancelled'],
  finished: [],
  stopped: [],
  cancelled: [],
};

/** A batch's place in dispatch: paused batches come back with resumeBatch, cancelled ones do not. */
const BATCH_TRANSITIONS: Readonly<Record<BatchControl, readonly BatchControl[]>> = {
  active: ['paused', 'cancelled'],
  paused: ['active', 'cancelled'],
  cancelled: [],
};

export const ENDED_RUN_STATES: readonly RunState[] = ['finished', 'stopped', 'cancelled'];

export function isRunEnded(state: RunState): boolean {
  return ENDED_RUN_STATES.includes(state);
}

export function canMoveRun(from: RunState, to: RunState): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** Returns `to` when the move is allowed; throws on a move the table does not have (a bug, not bad input). */
export function assertRunTransition(from: RunState, to: RunState): RunState {
  if (!canMoveRun(from, to)) throw new Error(`Invalid run transition ${from} -> ${to}`);
  return to;
}

export function canMoveBatch(from: BatchControl, to: BatchControl): boolean {
  return BATCH_TRANSITIONS[from].includes(to);
}

/**
 * Moves a batch's control along its table: the same state again is a no-op; a move the table does
 * not have (resuming or pausing a cancelled batch) is the user's mistake, a clear invalid_request.
 */
export function moveBatch(batch: BatchProgress, to: BatchControl): void {
  if (batch.control === to) return;
  if (!canMoveBatch(batch.control, to)) {
    throw new ForgeError(
      'invalid_request',
      `batch "${batch.id}" is ${batch.control}: it cannot be ${to === 'active' ? 'resumed' : to} in this run`,
    );
  }
  batch.control = to;
}
