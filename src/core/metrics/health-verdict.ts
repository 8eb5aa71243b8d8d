import { ERROR_POLICY, type ClassifiedError } from '../errors';
import type { Health } from '../limiter/types';
import type { PauseReason, ProcessorState } from '../queue/events';

export type VerdictStatus = 'idle' | 'healthy' | 'warning' | 'paused' | 'stopped';

export interface Verdict {
  readonly status: VerdictStatus;
  readonly message: string;
}

export interface VerdictInput {
  readonly now: number;
  readonly state: ProcessorState;
  readonly pauseReason?: PauseReason;
  readonly pausedUntil?: number;
  readonly stopError?: ClassifiedError;
  readonly limiterHealth: Health;
  readonly waiting: number;
  readonly etaMs?: number;
  readonly meanWaitMs: number;
  readonly finished: number;
  readonly successRate: number;
}

// A queue whose jobs wait this long or longer on average is reported as backing up.
const BACKING_UP_WAIT_MS = 30_000;

/** One human sentence about the run, the seeds' "queue is processing normally" and friends. */
export function verdict(i: VerdictInput): Verdict {
  if (i.state === 'stopped' || i.state === 'stopping') {
    const why = i.stopError ? ERROR_POLICY[i.stopError.kind].label : 'stopped';
    return { status: 'stopped', message: i.state === 'stopping' ? `stopping: ${why}` : `stopped: ${why}` };
  }
  if (i.pauseReason === 'rate_limit' && i.pausedUntil !== undefined) {
    return { status: 'paused', message: `paused by a 429 for ${Math.max(0, Math.ceil((i.pausedUntil - i.now) / 1000))} s` };
  }
  if (i.state === 'paused') return { status: 'paused', message: 'paused' };
  if (i.state === 'idle' && i.waiting === 0) return { status: 'idle', message: 'queue is idle' };
  if (i.finished >= 10 && i.successRate < 0.9) {
    return { status: 'warning', message: `high failure rate: ${Math.round(i.successRate * 100)} % succeeded` };
  }
  if (i.waiting > 0 && (i.limiterHealth === 'throttled' || i.meanWaitMs >= BACKING_UP_WAIT_MS)) {
    const eta = i.etaMs === undefined ? '' : `, ~${formatDuration(i.etaMs)}`;
    return { status: 'warning', message: `queue is backing up: ${i.waiting} waiting${eta}` };
  }
  if (i.limiterHealth === 'approaching') return { status: 'healthy', message: 'queue is processing normally, close to the rate limit' };
  return { status: 'healthy', message: 'queue is processing normally' };
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
