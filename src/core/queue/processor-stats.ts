import type { ClassifiedError } from '../errors';
import type { Backlog } from './backlog';
import type { ConcurrencyController } from './concurrency';
import type { ProcessorState, ProcessorStats } from './events';
import type { JobLedger } from './job-ledger';
import type { Outage } from './outage';
import type { RateLimitPause } from './rate-limit-pause';
import type { Job } from './types';

/** What the processor (processor.ts) knows that its stats are read from. */
export interface StatsSource<T> {
  state: ProcessorState;
  backlog: Backlog<T>;
  active: number;
  concurrency: ConcurrencyController;
  concurrencyCeiling: ProcessorStats['concurrencyCeiling'];
  ledger: JobLedger<T>;
  rateLimitPause: RateLimitPause;
  outage: Outage<Job<T>>;
  userPaused: boolean;
  health: ProcessorStats['health'];
  stopError?: ClassifiedError;
}

/** The processor's stats; a 429 pause explains a hold before an outage, an outage before the user's pause. */
export function statsOf<T>(src: StatsSource<T>): ProcessorStats {
  const outageSince = src.outage.since;
  const pausedUntil = src.rateLimitPause.pausedUntil ?? src.outage.nextProbeAt;
  const pauseReason =
    src.rateLimitPause.pausedUntil !== undefined
      ? 'rate_limit'
      : outageSince !== undefined
        ? 'outage'
        : src.userPaused
          ? 'user'
          : undefined;
  return {
    state: src.state,
    queued: src.backlog.queue.sizeByPriority(),
    queuedTotal: src.backlog.queue.size,
    active: src.active,
    retryWaiting: src.backlog.retryWaiting,
    concurrency: src.concurrency.current,
    maxConcurrency: src.concurrency.max,
    concurrencyCeiling: src.concurrencyCeiling,
    ...src.ledger.counts,
    ...(pausedUntil !== undefined ? { pausedUntil } : {}),
    ...(pauseReason !== undefined ? { pauseReason } : {}),
    ...(outageSince !== undefined ? { outageSince } : {}),
    health: src.health,
    ...(src.stopError ? { stopError: src.stopError } : {}),
  };
}
