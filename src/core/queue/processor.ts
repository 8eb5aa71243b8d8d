import type { TimerHandle } from '../clock';
import { classify, ForgeError, type ClassifiedError } from '../errors';
import { healthFor, type Health, type Permit, type Settlement } from '../limiter/types';
import { rateLimitedInputTokens } from '../usage';
import { backoffDelay } from './backoff';
import { ConcurrencyController } from './concurrency';
import type { PauseReason, ProcessorEvents, ProcessorHealth, ProcessorState, ProcessorStats } from './events';
import { PriorityQueue, type ListOptions, type PriorityTarget } from './priority-queue';
import { resolveOptions, type ProcessorOptions, type ResolvedOptions } from './processor-options';
import { TypedEmitter, type Disposable } from './typed-emitter';
import type { Job, JobState, Priority, StepResult } from './types';

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

interface InFlight<T> {
  readonly job: Job<T>;
  readonly controller: AbortController;
  readonly permit: Permit;
  readonly startedAt: number;
}

type Outcome = { readonly ok: true; readonly result: StepResult } | { readonly ok: false; readonly error: unknown };

/**
 * Dispatches queued jobs as fast as the limiter admits and concurrency allows, and decides
 * every outcome through `classify`. Event-driven: it wakes on add, on completion, on resume
 * and on at most one limiter timer, never by polling.
 */
export class QueueProcessor<T> implements Disposable {
  private readonly options: ResolvedOptions<T>;
  private readonly queue = new PriorityQueue<Job<T>>();
  private readonly emitter: TypedEmitter<ProcessorEvents<T>>;
  private readonly concurrency: ConcurrencyController;
  private readonly inFlight = new Map<string, InFlight<T>>();
  private readonly retryWaits = new Map<string, { job: Job<T>; timer: TimerHandle }>();
  private readonly readyAt = new Map<string, number>();
  private readonly modelClasses = new Set<string>();
  private current: ProcessorState = 'idle';
  private userPaused = false;
  private pausedUntil?: number;
  private resumeTimer?: TimerHandle;
  private wakeTimer?: TimerHandle;
  private consecutive429 = 0;
  private stopError?: ClassifiedError;
  private pumping = false;
  private pumpAgain = false;
  private health: Health = 'healthy';
  private healthRefreshing = false;
  private healthAgain = false;
  private lastModelClass?: string;
  private disposed = false;
  private restWaiters: (() => void)[] = [];
  private counts = { succeeded: 0, failed: 0, cancelled: 0, retries: 0, rateLimited: 0 };

  constructor(options: ProcessorOptions<T>) {
    this.options = resolveOptions(options);
    this.emitter = new TypedEmitter<ProcessorEvents<T>>(this.options.onListenerError);
    this.concurrency = new ConcurrencyController({ max: this.options.maxConcurrency, initial: this.options.initialConcurrency });
  }

  get state(): ProcessorState {
    return this.current;
  }

  get stats(): ProcessorStats {
    const queued = this.queue.sizeByPriority();
    return {
      state: this.current,
      queued,
      queuedTotal: this.queue.size,
      active: this.inFlight.size,
      retryWaiting: this.retryWaits.size,
      concurrency: this.concurrency.current,
      maxConcurrency: this.concurrency.max,
      ...this.counts,
      ...(this.pausedUntil !== undefined ? { pausedUntil: this.pausedUntil } : {}),
      ...(this.pausedUntil !== undefined ? { pauseReason: 'rate_limit' as const } : this.userPaused ? { pauseReason: 'user' as const } : {}),
      health: this.health,
      ...(this.stopError ? { stopError: this.stopError } : {}),
    };
  }

  on<K extends keyof ProcessorEvents<T>>(type: K, listener: (event: ProcessorEvents<T>[K]) => void): Disposable {
    return this.emitter.on(type, listener);
  }

  /** Queues jobs (their state becomes `queued`) and starts dispatching unless paused or stopped. */
  add(jobs: Job<T> | readonly Job<T>[]): void {
    if (this.disposed) throw new Error('Expected the processor to be live, but it was disposed');
    const list: readonly Job<T>[] = Array.isArray(jobs) ? jobs : [jobs as Job<T>];
    const now = this.options.clock.now();
    for (const job of list) {
      if (this.inFlight.has(job.id) || this.retryWaits.has(job.id)) {
        throw new Error(`Expected job id \`${job.id}\` to be unique, but it is already in flight or waiting to retry`);
      }
      job.state = 'queued';
      this.queue.enqueue(job);
      this.readyAt.set(job.id, now);
      this.modelClasses.add(job.modelClass);
    }
    if (list.length === 0) return;
    this.emitter.emit('queued', { jobs: list });
    if (this.current === 'idle') this.setState('running');
    void this.pump();
  }

  /** Alias of add, for readers who think in queues. */
  enqueue(jobs: Job<T> | readonly Job<T>[]): void {
    this.add(jobs);
  }

  /** Holds all dispatch until resume(); requests in flight finish. */
  pause(): void {
    if (this.userPaused || this.halted) return;
    this.userPaused = true;
    this.clearWake();
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
    if (this.pausedUntil !== undefined) return; // a 429 pause still holds; its timer resumes
    this.setState('running');
    this.emitter.emit('resumed', { reason: 'user' });
    void this.pump();
  }

  /** Aborts requests in flight (their jobs become cancelled); queued jobs stay queued for a re-run. */
  cancel(): void {
    if (this.halted) return;
    this.stop(classify(new ForgeError('cancelled', 'cancelled by the user')));
    for (const f of this.inFlight.values()) f.controller.abort(new ForgeError('cancelled', 'cancelled by the user'));
  }

  /** Resolves when the processor comes to rest: nothing queued, in flight or waiting (even if paused), or stopped. */
  onIdle(): Promise<void> {
    if (this.atRest()) return Promise.resolve();
    return new Promise((resolve) => this.restWaiters.push(resolve));
  }

  remove(id: string): boolean {
    const job = this.queue.remove(id);
    if (job) this.readyAt.delete(id);
    return job !== undefined;
  }

  changePriority(target: PriorityTarget, priority: Priority): number {
    const moved = this.queue.changePriority(target, priority);
    if (moved > 0) void this.pump();
    return moved;
  }

  listQueued(priority: Priority, options?: ListOptions): Job<T>[] {
    return this.queue.listByPriority(priority, options);
  }

  dispose(): void {
    if (this.disposed) return;
    this.cancel();
    this.disposed = true;
    this.clearWake();
    if (this.resumeTimer) this.options.clock.clearTimeout(this.resumeTimer);
    this.emitter.dispose();
  }

  private get halted(): boolean {
    return this.current === 'stopping' || this.current === 'stopped';
  }

  private setState(next: ProcessorState): void {
    const from = this.current;
    if (from === next) return;
    if (!STATE_TRANSITIONS[from].includes(next)) throw new Error(`Invalid processor transition ${from} -> ${next}`);
    this.current = next;
    this.emitter.emit('state', { from, to: next });
  }

  private setJob(job: Job<T>, next: JobState): void {
    if (!JOB_TRANSITIONS[job.state].includes(next)) throw new Error(`Invalid job transition for ${job.id}: ${job.state} -> ${next}`);
    job.state = next;
  }

  private async pump(): Promise<void> {
    // One dispatch loop at a time: admit() is async and two loops would race for one slot.
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        await this.dispatchWhilePossible();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
    this.checkRest();
  }

  private async dispatchWhilePossible(): Promise<void> {
    const { clock, limiter, budget } = this.options;
    while (this.current === 'running' && this.inFlight.size < this.concurrency.current) {
      const job = this.queue.peek();
      if (!job) return;
      if (budget?.wouldExceed(job)) {
        this.stop(classify(new ForgeError('budget', `the next job (${job.id}) would exceed the budget`)));
        return;
      }
      const { inputTokens, maxTokens, expectedOutputTokens } = job.next;
      const decision = await limiter.admit({ modelClass: job.modelClass, inputTokens, maxTokens, expectedOutputTokens });
      if (!decision.admitted) {
        this.armWake(decision.waitMs);
        return;
      }
      // The world may have moved while admit() was pending.
      if (this.current !== 'running' || this.queue.peek() !== job) {
        await limiter.settle(decision.permit, { outcome: 'not_sent' });
        continue;
      }
      this.queue.dequeue();
      this.launch(job, decision.permit, clock.now());
    }
  }

  private launch(job: Job<T>, permit: Permit, now: number): void {
    const controller = new AbortController();
    const attempt = job.attempts + 1;
    this.setJob(job, 'running');
    const flight: InFlight<T> = { job, controller, permit, startedAt: now };
    this.inFlight.set(job.id, flight);
    const waitedMs = now - (this.readyAt.get(job.id) ?? job.enqueuedAt);
    this.readyAt.delete(job.id);
    this.emitter.emit('started', { job, attempt, waitedMs });
    void (async () => {
      let outcome: Outcome;
      try {
        outcome = { ok: true, result: await this.options.executor(job, { signal: controller.signal, attempt, permit }) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      try {
        await this.finish(flight, outcome);
      } finally {
        this.inFlight.delete(job.id);
        if (this.current === 'stopping' && this.inFlight.size === 0) this.setStopped();
        void this.refreshHealth();
        void this.pump();
      }
    })();
  }

  private async finish(flight: InFlight<T>, outcome: Outcome): Promise<void> {
    const { job, permit, controller } = flight;
    const durationMs = this.options.clock.now() - flight.startedAt;
    this.lastModelClass = job.modelClass;
    if (outcome.ok) {
      const { result } = outcome;
      await this.settle(permit, { outcome: 'completed', usage: result.usage, headers: result.headers });
      job.steps++;
      this.consecutive429 = 0;
      const u = result.usage;
      this.concurrency.observe({ latencyMs: durationMs, inputTokens: rateLimitedInputTokens(u), outputTokens: u.outputTokens }, this.options.clock.now());
      if (result.type === 'done') {
        this.setJob(job, 'succeeded');
        this.counts.succeeded++;
        this.emitter.emit('succeeded', { job, durationMs, usage: u });
      } else {
        job.next = result.next;
        this.requeue(job);
        this.emitter.emit('step', { job, durationMs, usage: u });
      }
      return;
    }
    const error = classify(outcome.error, controller.signal);
    switch (error.action) {
      case 'pause':
        await this.settle(permit, { outcome: 'rate_limited', headers: error.headers, retryAfterMs: error.retryAfterMs });
        this.requeue(job);
        await this.rateLimitPause(error, job.modelClass);
        return;
      case 'backoff':
      case 'regenerate': {
        await this.settle(permit, { outcome: 'failed', headers: error.headers, usage: error.usage });
        job.attempts++;
        job.lastError = error;
        if (job.attempts >= this.options.maxAttempts) return this.fail(job, error);
        const delayMs = error.action === 'backoff' ? backoffDelay(this.options.backoff, job.attempts) : 0;
        this.counts.retries++;
        this.retryLater(job, this.halted ? 0 : delayMs);
        this.emitter.emit('retrying', { job, error, delayMs });
        return;
      }
      case 'fail_job':
        await this.settle(permit, { outcome: 'failed', headers: error.headers, usage: error.usage });
        job.lastError = error;
        return this.fail(job, error);
      case 'stop_run':
        await this.settle(permit, { outcome: 'failed', headers: error.headers, usage: error.usage });
        job.lastError = error;
        // Not this job's fault: keep it queued so a re-run picks it up.
        this.requeue(job);
        this.stop(error);
        return;
      case 'cancel':
        await this.settle(permit, { outcome: 'failed', usage: error.usage });
        this.setJob(job, 'cancelled');
        this.counts.cancelled++;
        this.emitter.emit('cancelled', { job });
        return;
    }
  }

  private fail(job: Job<T>, error: ClassifiedError): void {
    this.setJob(job, 'failed');
    this.counts.failed++;
    this.emitter.emit('failed', { job, error });
  }

  private requeue(job: Job<T>): void {
    this.setJob(job, 'queued');
    this.queue.requeue(job);
    this.readyAt.set(job.id, this.options.clock.now());
  }

  private retryLater(job: Job<T>, delayMs: number): void {
    if (delayMs <= 0) return this.requeue(job);
    this.setJob(job, 'retry_wait');
    const timer = this.options.clock.setTimeout(() => {
      this.retryWaits.delete(job.id);
      this.requeue(job);
      void this.pump();
    }, delayMs);
    this.retryWaits.set(job.id, { job, timer });
  }

  private async settle(permit: Permit, settlement: Settlement): Promise<void> {
    try {
      await this.options.limiter.settle(permit, settlement);
    } catch {
      // A limiter that cannot record a settlement must not strand the job; its estimate
      // simply stays conservative until headers correct it.
    }
  }

  private async rateLimitPause(error: ClassifiedError, modelClass: string): Promise<void> {
    this.counts.rateLimited++;
    this.consecutive429++;
    const { clock } = this.options;
    if (error.kind === 'acceleration_limit') this.concurrency.onAccelerationLimit(clock.now());
    if (this.halted) return;
    let ms = error.retryAfterMs;
    if (ms === undefined) {
      const grown = Math.min(this.options.maxRateLimitPauseMs, this.options.rateLimitPauseMs * 2 ** (this.consecutive429 - 1));
      const snapshot = await this.options.limiter.snapshot(modelClass).catch(() => undefined);
      ms = Math.max(grown, (snapshot?.pausedUntil ?? 0) - clock.now());
    }
    if (this.halted) return;
    const until = clock.now() + ms;
    if (this.pausedUntil === undefined || until > this.pausedUntil) {
      this.pausedUntil = until;
      if (this.resumeTimer) clock.clearTimeout(this.resumeTimer);
      this.resumeTimer = clock.setTimeout(() => this.endRateLimitPause(), ms);
    }
    this.clearWake();
    this.setState('paused');
    this.emitter.emit('paused', { until: this.pausedUntil, reason: 'rate_limit', error });
    void this.refreshHealth();
  }

  private endRateLimitPause(): void {
    this.resumeTimer = undefined;
    this.pausedUntil = undefined;
    void this.refreshHealth();
    if (this.userPaused || this.current !== 'paused') return;
    this.setState('running');
    this.emitter.emit('resumed', { reason: 'rate_limit' satisfies PauseReason });
    void this.pump();
  }

  private stop(error: ClassifiedError): void {
    if (this.halted) return;
    this.stopError = error;
    this.clearWake();
    if (this.resumeTimer) this.options.clock.clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    this.pausedUntil = undefined;
    // No retries after a stop: waiting jobs go straight back to the queue for a re-run.
    for (const { job, timer } of this.retryWaits.values()) {
      this.options.clock.clearTimeout(timer);
      this.requeue(job);
    }
    this.retryWaits.clear();
    if (this.inFlight.size > 0) this.setState('stopping');
    else this.setStopped();
  }

  private setStopped(): void {
    this.setState('stopped');
    this.emitter.emit('stopped', { error: this.stopError ?? classify(new ForgeError('cancelled', 'stopped')) });
    this.checkRest();
  }

  private armWake(ms: number): void {
    // One timer, re-armed: stacking one per refusal would wake the loop N times for nothing.
    this.clearWake();
    this.wakeTimer = this.options.clock.setTimeout(() => {
      this.wakeTimer = undefined;
      void this.pump();
    }, Math.max(1, ms));
  }

  private clearWake(): void {
    if (this.wakeTimer) this.options.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
  }

  private atRest(): boolean {
    if (this.current === 'stopped') return true;
    return this.queue.size === 0 && this.inFlight.size === 0 && this.retryWaits.size === 0 && !this.pumping;
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

  private async refreshHealth(): Promise<void> {
    if (this.healthRefreshing) {
      this.healthAgain = true;
      return;
    }
    this.healthRefreshing = true;
    try {
      do {
        this.healthAgain = false;
        const limiters = await Promise.all([...this.modelClasses].map((m) => this.options.limiter.snapshot(m)));
        for (const s of limiters) if (s.modelClass === this.lastModelClass) this.concurrency.observeLimits(s.limits);
        const utilization = Math.max(0, ...limiters.map((s) => s.utilization));
        const paused = this.pausedUntil !== undefined || limiters.some((s) => s.health === 'throttled');
        const health = healthFor(utilization, paused);
        if (health !== this.health) {
          this.health = health;
          const snapshot: ProcessorHealth = { health, limiters, ...(this.pausedUntil !== undefined ? { pausedUntil: this.pausedUntil } : {}) };
          this.emitter.emit('health', { snapshot });
        }
      } while (this.healthAgain);
    } catch {
      // Health is advisory; a failing snapshot leaves the last verdict in place.
    } finally {
      this.healthRefreshing = false;
    }
  }
}
