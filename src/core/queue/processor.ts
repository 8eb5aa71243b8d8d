import { classify, ForgeError, type ClassifiedError } from '../errors';
import type { Permit } from '../limiter/types';
import type { Backlog } from './backlog';
import type { ConcurrencyController } from './concurrency';
import type { DispatchLoop } from './dispatch-loop';
import type { ProcessorEvents, ProcessorState, ProcessorStats } from './events';
import { headersListener } from './early-headers';
import type { HealthTracker } from './health-tracker';
import type { JobLedger } from './job-ledger';
import { statsOf } from './processor-stats';
import { applyDecision, type DecisionTarget } from './apply-decision';
import { handleOutcome, runStep, type Flight } from './outcome';
import type { ListOptions } from './page';
import type { PriorityTarget } from './priority-queue';
import { resolveOptions, type ProcessorOptions, type ResolvedOptions } from './processor-options';
import { wireProcessor } from './processor-parts';
import type { Outage } from './outage';
import type { RateLimitPause } from './rate-limit-pause';
import type { SlotRamp } from './slot-ramp';
import { assertStateTransition, moveJob } from './transitions';
import type { TypedEmitter, Disposable } from './typed-emitter';
import type { Job, Priority } from './types';
import { unexpected } from '../validate';

/**
 * Dispatches queued jobs as fast as the limiter admits and concurrency allows; every outcome is
 * decided as a value (outcome.ts, through `classify`) that apply-decision.ts carries out.
 * Event-driven: it wakes on add, on completion, on resume and on at most one limiter timer, never
 * by polling. Jobs queue per model class (class-queues.ts): a class its limiter refuses waits
 * without holding up the others, while concurrency stays one global cap. Its parts are built and
 * wired to each other in processor-parts.ts; this class holds the lifecycle and the flights.
 */
export class QueueProcessor<T> implements Disposable {
  private readonly options: ResolvedOptions<T>;
  private readonly backlog: Backlog<T>;
  private readonly emitter: TypedEmitter<ProcessorEvents<T>>;
  private readonly concurrency: ConcurrencyController;
  private readonly inFlight = new Map<string, Flight<T>>();
  private readonly rateLimitPause: RateLimitPause;
  private readonly health: HealthTracker;
  private readonly dispatch: DispatchLoop<T>;
  private readonly ramp: SlotRamp;
  private current: ProcessorState = 'idle';
  private userPaused = false;
  private stopError?: ClassifiedError;
  private lastModelClass?: string;
  private disposed = false;
  private restWaiters: (() => void)[] = [];
  private readonly ledger: JobLedger<T>;
  private readonly outage: Outage<Job<T>>;
  /** What a decision moves (apply-decision.ts). */
  private readonly decisions: DecisionTarget<T>;

  constructor(options: ProcessorOptions<T>) {
    this.options = resolveOptions(options);
    ({
      emitter: this.emitter,
      ledger: this.ledger,
      concurrency: this.concurrency,
      backlog: this.backlog,
      rateLimitPause: this.rateLimitPause,
      outage: this.outage,
      health: this.health,
      dispatch: this.dispatch,
      ramp: this.ramp,
      decisions: this.decisions,
    } = wireProcessor(this.options, {
      state: () => this.current,
      halted: () => this.halted,
      active: () => this.inFlight.size,
      lastModelClass: () => this.lastModelClass,
      setState: (next) => this.setState(next),
      endRateLimitPause: () => this.endRateLimitPause(),
      launch: (job, permit, waitedMs) => this.launch(job, permit, waitedMs),
      stop: (error) => this.stop(error),
      checkRest: () => this.checkRest(),
    }));
  }

  get state(): ProcessorState {
    return this.current;
  }

  get stats(): ProcessorStats {
    return statsOf({
      state: this.current,
      backlog: this.backlog,
      active: this.inFlight.size,
      concurrency: this.concurrency,
      concurrencyCeiling: this.options.concurrencyCeiling,
      ledger: this.ledger,
      rateLimitPause: this.rateLimitPause,
      outage: this.outage,
      userPaused: this.userPaused,
      health: this.health.current,
      ...(this.stopError ? { stopError: this.stopError } : {}),
    });
  }

  on<K extends keyof ProcessorEvents<T>>(type: K, listener: (event: ProcessorEvents<T>[K]) => void): Disposable {
    return this.emitter.on(type, listener);
  }

  /** Queues jobs (their state becomes `queued`) and starts dispatching unless paused or stopped. */
  add(jobs: Job<T> | readonly Job<T>[]): void {
    if (this.disposed) throw unexpected('the processor', 'live', 'it was disposed');
    const list: readonly Job<T>[] = Array.isArray(jobs) ? jobs : [jobs as Job<T>];
    for (const job of list) {
      if (this.inFlight.has(job.id) || this.backlog.isRetryWaiting(job.id)) {
        throw unexpected(`job id \`${job.id}\``, 'unique', 'it is already in flight or waiting to retry');
      }
      this.backlog.add(job);
    }
    if (list.length === 0) return;
    this.emitter.emit('queued', { jobs: list });
    if (this.current === 'idle') {
      this.setState('running');
      // Learn the limits now, not after the first answer: they size the first second's slots.
      void this.health.refresh();
    }
    void this.dispatch.pump();
  }

  /** Alias of add, for readers who think in queues. */
  enqueue(jobs: Job<T> | readonly Job<T>[]): void {
    this.add(jobs);
  }

  /**
   * A request with this key was accepted: a response began, or count_tokens answered for every
   * model of the run before it started. Until latency is known, the slots are then one second of
   * requests at the limits (concurrency.ts); only the first call matters.
   */
  keyAccepted(): void {
    if (!this.concurrency.accepted()) return;
    // The limits learned so far (a response's headers taught them) size the slots: fetch them now.
    void this.health.refresh();
    void this.dispatch.pump();
  }

  /** Holds all dispatch until resume(); requests in flight finish. */
  pause(): void {
    if (this.userPaused || this.halted) return;
    this.userPaused = true;
    this.dispatch.clearWake();
    this.setState('paused');
    this.emitter.emit('paused', { reason: 'user' });
  }

  /** Ends a user pause, or re-runs a stopped processor with whatever is still queued. */
  resume(): void {
    if (this.disposed || this.current === 'stopping') return;
    const wasStopped = this.current === 'stopped';
    if (!this.userPaused && !wasStopped) return;
    this.userPaused = false;
    this.stopError = undefined;
    if (this.rateLimitPause.pausedUntil !== undefined) return; // a 429 pause still holds; its timer resumes
    this.setState('running');
    this.emitter.emit('resumed', { reason: 'user' });
    void this.dispatch.pump();
  }

  /** Aborts requests in flight (their jobs become cancelled); queued jobs stay queued for a re-run. */
  cancel(): void {
    if (this.halted) return;
    this.stop(classify(new ForgeError('cancelled', 'cancelled by the user')));
    for (const f of this.inFlight.values()) f.controller.abort(new ForgeError('cancelled', 'cancelled by the user'));
  }

  /**
   * Stops dispatching for a reason found outside the processor (a dataset that cannot be written);
   * requests in flight finish, queued jobs stay queued for a re-run.
   */
  halt(error: ClassifiedError): void {
    this.stop(error);
  }

  /** Resolves when the processor comes to rest: nothing queued, in flight or waiting (even if paused), or stopped. */
  onIdle(): Promise<void> {
    if (this.atRest()) return Promise.resolve();
    return new Promise((resolve) => this.restWaiters.push(resolve));
  }

  remove(id: string): boolean {
    return this.backlog.remove(id);
  }

  changePriority(target: PriorityTarget, priority: Priority): number {
    const moved = this.backlog.queue.changePriority(target, priority);
    if (moved > 0) void this.dispatch.pump();
    return moved;
  }

  /** Queued jobs of one priority, model classes interleaved in turn, each in its dispatch order (see ClassQueues). */
  listQueued(priority: Priority, options?: ListOptions): Job<T>[] {
    return this.backlog.queue.listByPriority(priority, options);
  }

  dispose(): void {
    if (this.disposed) return;
    this.cancel();
    this.disposed = true;
    this.dispatch.clearWake();
    this.ramp.clear();
    this.rateLimitPause.clear();
    this.health.dispose();
    this.outage.dispose();
    this.emitter.dispose();
  }

  private get halted(): boolean {
    return this.current === 'stopping' || this.current === 'stopped';
  }

  private setState(next: ProcessorState): void {
    const from = this.current;
    if (from === next) return;
    assertStateTransition(from, next);
    this.current = next;
    this.emitter.emit('state', { from, to: next });
  }

  private launch(job: Job<T>, permit: Permit, waitedMs: number): void {
    const controller = new AbortController();
    const attempt = job.attempts + 1;
    moveJob(job, 'running');
    const flight: Flight<T> = { job, controller, permit, startedAt: this.options.clock.now() };
    this.inFlight.set(job.id, flight);
    this.outage.launched(job);
    this.emitter.emit('started', { job, attempt, waitedMs });
    void (async () => {
      const onHeaders = headersListener(this.options.limiter, permit, () => {
        this.keyAccepted();
        void this.dispatch.pump();
      });
      const outcome = await runStep(this.options.executor, job, { signal: controller.signal, attempt, permit, onHeaders });
      try {
        this.lastModelClass = job.modelClass;
        await applyDecision(
          this.decisions,
          flight,
          handleOutcome(this.options, flight, outcome, this.decisions.retryBudget.available),
          this.options.clock.now() - flight.startedAt,
        );
      } finally {
        this.inFlight.delete(job.id);
        if (this.current === 'stopping' && this.inFlight.size === 0) this.setStopped();
        this.dispatch.release(job.modelClass);
        this.health.settled();
        void this.dispatch.pump();
      }
    })();
  }

  private endRateLimitPause(): void {
    void this.health.refresh();
    if (this.userPaused || this.current !== 'paused') return;
    this.setState('running');
    this.emitter.emit('resumed', { reason: 'rate_limit' });
    void this.dispatch.pump();
  }

  private stop(error: ClassifiedError): void {
    if (this.halted) return;
    this.stopError = error;
    this.dispatch.clearWake();
    this.ramp.clear();
    this.rateLimitPause.clear();
    this.outage.reset();
    // No retries after a stop: waiting jobs go straight back to the queue for a re-run.
    this.backlog.requeueRetryWaits();
    if (this.inFlight.size > 0) this.setState('stopping');
    else this.setStopped();
  }

  private setStopped(): void {
    this.setState('stopped');
    this.emitter.emit('stopped', { error: this.stopError ?? classify(new ForgeError('cancelled', 'stopped')) });
    this.checkRest();
  }

  private atRest(): boolean {
    if (this.current === 'stopped') return true;
    return this.backlog.empty && this.inFlight.size === 0 && !this.dispatch.busy;
  }

  private checkRest(): void {
    if (!this.atRest()) return;
    if (this.current === 'running') {
      this.setState('idle');
      this.emitter.emit('idle', {});
    }
    const waiters = this.restWaiters;
    this.restWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
