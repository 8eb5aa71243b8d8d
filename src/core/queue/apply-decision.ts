import type { Clock } from '../clock';
import type { ClassifiedError } from '../errors';
import type { Permit, RateLimiter, Settlement } from '../limiter/types';
import { rateLimitedInputTokens } from '../usage';
import type { Backlog } from './backlog';
import type { ConcurrencyController } from './concurrency';
import type { ProcessorEvents } from './events';
import type { JobLedger } from './job-ledger';
import { requestIdOf, type Decision, type Flight } from './outcome';
import type { Outage } from './outage';
import type { RateLimitPause } from './rate-limit-pause';
import type { RetryBudget } from './retry-budget';
import type { TypedEmitter } from './typed-emitter';
import type { Job } from './types';

/** The parts of the processor (processor.ts) a decision moves. */
export interface DecisionTarget<T> {
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  readonly backlog: Backlog<T>;
  readonly ledger: JobLedger<T>;
  readonly concurrency: ConcurrencyController;
  readonly outage: Outage<Job<T>>;
  readonly rateLimitPause: RateLimitPause;
  readonly retryBudget: RetryBudget;
  readonly emitter: TypedEmitter<ProcessorEvents<T>>;
  halted(): boolean;
  stop(error: ClassifiedError): void;
}

/**
 * Applies one decision (outcome.ts): the job's state, the tallies, the event and the queue move
 * together. A pause or stop holds dispatch before the settlement is awaited.
 */
export async function applyDecision<T>(p: DecisionTarget<T>, flight: Flight<T>, decision: Decision, durationMs: number): Promise<void> {
  const { job, permit } = flight;
  const { clock } = p;
  switch (decision.type) {
    case 'pause': {
      const { error } = decision;
      p.backlog.requeue(job);
      p.ledger.rateLimited();
      if (error.kind === 'acceleration_limit') p.concurrency.onAccelerationLimit(clock.now());
      p.outage.succeeded(); // a 429 is an answer: the endpoint is reachable
      p.rateLimitPause.begin(error);
      await settle(p, permit, decision.settlement);
      await p.rateLimitPause.announce(error, job.modelClass);
      return;
    }
    case 'stop':
      job.lastError = decision.error;
      p.backlog.requeue(job);
      p.stop(decision.error);
      await settle(p, permit, decision.settlement);
      return;
  }
  // Spent in the tick it was decided in, so two faults settling together cannot both spend one token.
  if (decision.type === 'retry' && decision.quick) p.retryBudget.spend();
  await settle(p, permit, decision.settlement);
  switch (decision.type) {
    case 'succeed':
    case 'step': {
      const { result } = decision;
      job.steps++;
      p.rateLimitPause.recordSuccess();
      p.outage.succeeded();
      p.retryBudget.earn();
      const u = result.usage;
      p.concurrency.observe({ latencyMs: durationMs, inputTokens: rateLimitedInputTokens(u), outputTokens: u.outputTokens }, clock.now());
      const event = { job, durationMs, usage: u, ...requestIdOf(result) };
      if (decision.type === 'succeed') p.ledger.succeeded(event);
      else {
        // Each step is a new request: a flaky turn 3 must not use up the attempts of turn 7.
        job.attempts = 0;
        job.next = decision.result.next;
        p.backlog.requeue(job);
        p.emitter.emit('step', event);
      }
      return;
    }
    case 'retry':
    case 'fail':
      if (endpointFault(p, job, decision.error)) return;
  }
  switch (decision.type) {
    case 'retry':
      job.attempts = decision.attempts;
      job.lastError = decision.error;
      p.backlog.retryLater(job, p.halted() ? 0 : decision.delayMs);
      p.ledger.retrying(job, decision.error, decision.delayMs);
      return;
    case 'fail':
      job.attempts = decision.attempts;
      job.lastError = decision.error;
      return p.ledger.failed(job, decision.error);
    case 'cancel':
      return p.ledger.cancelled(job);
  }
}

/**
 * Whether an endpoint failure belongs to the endpoint rather than the job (outage.ts): then the
 * job goes back uncharged, the attempts the streak cost are refunded, and dispatch holds, or,
 * past the patience or when the endpoint was never reached, the run stops with the jobs kept.
 */
function endpointFault<T>(p: DecisionTarget<T>, job: Job<T>, error: ClassifiedError): boolean {
  const verdict = p.outage.failed(error, job);
  if (verdict.type === 'job') return false;
  for (const charged of verdict.refunds) charged.attempts = Math.max(0, charged.attempts - 1);
  job.lastError = error;
  p.backlog.requeue(job);
  if (verdict.type === 'give_up') p.stop(verdict.error);
  return true;
}

/** Never rejects: a limiter that cannot record a settlement must not strand the job (its estimate stays conservative). */
async function settle<T>(p: DecisionTarget<T>, permit: Permit, settlement: Settlement): Promise<void> {
  try {
    await p.limiter.settle(permit, settlement);
  } catch {
    // see above
  }
}
