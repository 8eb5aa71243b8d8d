import { classify, ForgeError, type ClassifiedError } from '../errors';
import type { Permit } from '../limiter/types';
import type { DecisionTarget } from './apply-decision';
import { Backlog } from './backlog';
import { ConcurrencyController } from './concurrency';
import { DispatchLoop } from './dispatch-loop';
import type { ProcessorEvents, ProcessorState } from './events';
import { HealthTracker } from './health-tracker';
import { JobLedger } from './job-ledger';
import { Outage } from './outage';
import type { ResolvedOptions } from './processor-options';
import { RateLimitPause } from './rate-limit-pause';
import { RetryBudget } from './retry-budget';
import { SlotRamp } from './slot-ramp';
import { TypedEmitter } from './typed-emitter';
import type { Job } from './types';

/** What the parts ask of the processor that owns them (processor.ts): its lifecycle and its flights. */
export interface ProcessorHooks<T> {
  state(): ProcessorState;
  halted(): boolean;
  /** Requests in flight. */
  active(): number;
  /** The model class of the last request that settled: its limits still steer concurrency. */
  lastModelClass(): string | undefined;
  setState(next: ProcessorState): void;
  endRateLimitPause(): void;
  launch(job: Job<T>, permit: Permit, waitedMs: number): void;
  stop(error: ClassifiedError): void;
  checkRest(): void;
}

/** The collaborators a processor is made of, wired to each other and to its hooks. */
export interface ProcessorParts<T> {
  readonly emitter: TypedEmitter<ProcessorEvents<T>>;
  readonly ledger: JobLedger<T>;
  readonly concurrency: ConcurrencyController;
  readonly backlog: Backlog<T>;
  readonly rateLimitPause: RateLimitPause;
  readonly outage: Outage<Job<T>>;
  readonly health: HealthTracker;
  readonly dispatch: DispatchLoop<T>;
  readonly ramp: SlotRamp;
  /** What a decision moves (apply-decision.ts). */
  readonly decisions: DecisionTarget<T>;
}

/**
 * Builds the processor's parts. They call each other only through late-bound closures, so the
 * order here is construction order, not a dependency order: the backlog may wake a dispatch loop
 * that is built after it.
 */
export function wireProcessor<T>(options: ResolvedOptions<T>, hooks: ProcessorHooks<T>): ProcessorParts<T> {
  const { clock, limiter, load } = options;
  const emitter = new TypedEmitter<ProcessorEvents<T>>(options.onListenerError);
  const ledger = new JobLedger<T>(emitter);
  const concurrency = new ConcurrencyController({
    max: options.maxConcurrency,
    initial: options.initialConcurrency,
    ...(load ? { overloaded: () => load.overloaded() } : {}),
  });
  const pump = (): void => void dispatch.pump();
  const backlog = new Backlog<T>(clock, pump, () => concurrency.current);
  const rateLimitPause = new RateLimitPause(
    clock,
    limiter,
    { basePauseMs: options.rateLimitPauseMs, maxPauseMs: options.maxRateLimitPauseMs },
    {
      halted: () => hooks.halted(),
      held: () => {
        dispatch.clearWake();
        hooks.setState('paused');
      },
      announced: (until, error) => {
        emitter.emit('paused', { until, reason: 'rate_limit', error });
        void health.refresh();
      },
      ended: () => hooks.endRateLimitPause(),
    },
  );
  const outage = new Outage<Job<T>>(clock, options.outage, {
    announced: (since, nextProbeAt, error) => {
      dispatch.clearWake();
      emitter.emit('paused', { until: nextProbeAt, reason: 'outage', error, since });
    },
    probeDue: pump,
    ended: () => {
      emitter.emit('resumed', { reason: 'outage' });
      pump();
    },
  });
  const health = new HealthTracker({
    clock,
    limiter,
    modelClasses: () => backlog.modelClasses,
    pausedUntil: () => rateLimitPause.pausedUntil,
    onSnapshots: (snapshots) => {
      const busy = snapshots.filter((s) => s.modelClass === hooks.lastModelClass() || backlog.queue.holds(s.modelClass));
      if (concurrency.observeLimits(busy.map((s) => s.limits))) pump();
    },
    onChange: (snapshot) => emitter.emit('health', { snapshot }),
  });
  const dispatch: DispatchLoop<T> = new DispatchLoop<T>({
    clock,
    limiter,
    canDispatch: () => hooks.state() === 'running' && hooks.active() < concurrency.current && outage.mayDispatch(clock.now()),
    next: (skip) => backlog.queue.next(skip),
    isHead: (job) => backlog.queue.isHead(job),
    upcoming: (job, max) => backlog.queue.upcoming(job, Math.min(max, concurrency.current - hooks.active())),
    mayStart: (job) => {
      if (!options.budget?.wouldExceed(job)) return true;
      const why = options.budget.reason?.(job) ?? `the next job (${job.id}) would exceed the budget`;
      hooks.stop(classify(new ForgeError('budget', why)));
      return false;
    },
    start: (job, permit) => hooks.launch(job, permit, backlog.take(job)),
    onRest: () => {
      ramp.check();
      hooks.checkRest();
    },
  });
  const ramp = new SlotRamp(clock, concurrency, {
    slotBound: () => hooks.state() === 'running' && hooks.active() >= concurrency.current && backlog.queue.size > 0,
    grew: pump,
  });
  const decisions: DecisionTarget<T> = {
    clock,
    limiter,
    backlog,
    ledger,
    concurrency,
    outage,
    rateLimitPause,
    retryBudget: new RetryBudget(),
    emitter,
    halted: () => hooks.halted(),
    stop: (error) => hooks.stop(error),
  };
  return { emitter, ledger, concurrency, backlog, rateLimitPause, outage, health, dispatch, ramp, decisions };
}
