import type { Clock, TimerHandle } from '../clock';
import type { Demand, Permit, RateLimiter } from '../limiter/types';
import { CoalescedTask } from './coalesced-task';
import type { Job } from './types';

export interface DispatchSource<T> {
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  /** Running, with a free concurrency slot. */
  canDispatch(): boolean;
  /** The job that should go next among class heads `skip` does not rule out, without taking it. */
  next(skip: (head: Job<T>) => boolean): Job<T> | undefined;
  /** True while `job` is still the head of its model class. */
  isHead(job: Job<T>): boolean;
  /** Checked before asking the limiter; false stops the loop (the source has stopped the run). */
  mayStart(job: Job<T>): boolean;
  /**
   * `head` and the jobs its class would dequeue right after it, at most `max` and no more than the
   * free slots: what one batched admit asks for. Without it, the loop admits one job at a time.
   */
  upcoming?(head: Job<T>, max: number): readonly Job<T>[];
  /** Takes `job` (the head of its class) off the queue and sends it. */
  start(job: Job<T>, permit: Permit): void;
  /** Told whenever the loop comes to rest. */
  onRest(): void;
  /**
   * Lets timers and I/O run (responses, their headers, settlements). Default: one macrotask turn
   * (setImmediate). Tests on a fake clock may pass their own.
   */
  yieldToEvents?(): Promise<void>;
}

/**
 * Launches in one pass before the loop lets the event loop run. An in-memory limiter admits as
 * a microtask, so without this a pass at a high limit sent its whole window (1,131 requests at
 * 60,000 RPM, 0.5 s of CPU) before any response was read: Little's law saw long latencies that
 * were only the loop's own, raised concurrency, and the headers that would have slowed it came
 * late. 32 launches cost a few ms, so responses wait at most that long.
 */
export const LAUNCHES_PER_TURN = 32;

/**
 * Jobs one admit may ask for when the limiter's updates cost a round trip (admitMany): one turn of
 * a shared state file or one Redis script then serves up to this many launches instead of one.
 */
export const ADMITS_PER_UPDATE = 16;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function demandOf<T>(job: Job<T>): Demand {
  const { inputTokens, maxTokens, expectedOutputTokens } = job.next;
  return { modelClass: job.modelClass, inputTokens, maxTokens, expectedOutputTokens };
}

/** The limiter refused this head of its class until `until`; `pass` is the loop pass that asked. */
interface Refusal<T> {
  readonly job: Job<T>;
  readonly until: number;
  readonly pass: number;
}

/**
 * The one dispatch loop: admits class heads through the limiter while a slot is free. A class
 * whose head is refused sits out until the limiter's wait is over (or one of its requests settles,
 * or its head changes) while other classes go on; when no class can go, the loop sleeps on one
 * re-armed timer for the earliest wait instead of polling.
 */
export class DispatchLoop<T> {
  // One loop at a time: admit() is async and two loops would race for one slot.
  private readonly loop = new CoalescedTask(() => this.dispatchWhilePossible());
  private wakeTimer?: TimerHandle;
  private readonly refusals = new Map<string, Refusal<T>>();
  private pass = 0;

  constructor(private readonly source: DispatchSource<T>) {}

  get busy(): boolean {
    return this.loop.busy;
  }

  async pump(): Promise<void> {
    if (await this.loop.run()) this.source.onRest();
  }

  /** A request of `modelClass` settled: its limiter may admit sooner than it said, so ask again. */
  release(modelClass: string): void {
    this.refusals.delete(modelClass);
  }

  clearWake(): void {
    if (this.wakeTimer) this.source.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
  }

  private async dispatchWhilePossible(): Promise<void> {
    const { limiter } = this.source;
    const pass = ++this.pass;
    const refused = (head: Job<T>) => this.refused(head, pass);
    let launched = 0;
    while (this.source.canDispatch()) {
      if (launched === LAUNCHES_PER_TURN) {
        launched = 0;
        await (this.source.yieldToEvents ?? nextTurn)();
        continue;
      }
      const job = this.source.next(refused);
      if (!job) return this.armWake();
      if (!this.source.mayStart(job)) return;
      const batch = limiter.admitMany && this.source.upcoming?.(job, Math.min(ADMITS_PER_UPDATE, LAUNCHES_PER_TURN - launched));
      if (batch && batch.length > 1) {
        const sent = await this.launchBatch(batch, pass);
        if (sent === undefined) return;
        launched += sent;
        continue;
      }
      const decision = await limiter.admit(demandOf(job));
      if (!decision.admitted) {
        this.refuse(job, decision.waitMs, pass);
        continue;
      }
      // The world may have moved while admit() was pending.
      if (!this.source.canDispatch() || !this.source.isHead(job)) {
        await limiter.settle(decision.permit, { outcome: 'not_sent' });
        continue;
      }
      this.source.start(job, decision.permit);
      launched++;
    }
  }

  /** The limiter said no to `job` for `waitMs`: the next passes skip it until then (see `refused`). */
  private refuse(job: Job<T>, waitMs: number, pass: number): void {
    this.refusals.set(job.modelClass, { job, until: this.source.clock.now() + Math.max(1, waitMs), pass });
  }

  /**
   * One admitMany for `jobs` (a head and the jobs predicted behind it), then each admitted job
   * launched in turn while it is still the head and may start; permits it cannot use go back
   * unsent. Returns the launches, or undefined when a job may not start (the source stopped the run).
   */
  private async launchBatch(jobs: readonly Job<T>[], pass: number): Promise<number | undefined> {
    const { limiter } = this.source;
    const decisions = await limiter.admitMany!(jobs.map(demandOf));
    let launched = 0;
    let stopped = false;
    for (let i = 0; i < decisions.length; i++) {
      const decision = decisions[i]!;
      const job = jobs[i]!;
      if (!decision.admitted) {
        this.refuse(job, decision.waitMs, pass);
        break;
      }
      // The world may have moved while admitMany() was pending, and the predicted order may not
      // hold (a chain policy answers differently once chains start). The head's mayStart was asked.
      const usable = !stopped && this.source.canDispatch() && this.source.isHead(job);
      if (usable && (i === 0 || this.source.mayStart(job))) {
        this.source.start(job, decision.permit);
        launched++;
        continue;
      }
      if (usable) stopped = true;
      await limiter.settle(decision.permit, { outcome: 'not_sent' });
    }
    return stopped ? undefined : launched;
  }

  /**
   * A refusal holds while its job is still the head of its class and the wait is not over; within
   * one pass it holds regardless, so a tiny wait cannot spin the loop on a limiter that says no.
   */
  private refused(head: Job<T>, pass: number): boolean {
    const refusal = this.refusals.get(head.modelClass);
    if (!refusal) return false;
    if (refusal.job === head && (refusal.pass === pass || this.source.clock.now() < refusal.until)) return true;
    this.refusals.delete(head.modelClass);
    return false;
  }

  private armWake(): void {
    // One timer, re-armed for the earliest wait of a class that still has its refused head:
    // stacking one per refusal would wake the loop N times for nothing.
    this.clearWake();
    let earliest = Number.POSITIVE_INFINITY;
    for (const [modelClass, refusal] of this.refusals) {
      if (this.source.isHead(refusal.job)) earliest = Math.min(earliest, refusal.until);
      else this.refusals.delete(modelClass);
    }
    if (earliest === Number.POSITIVE_INFINITY) return;
    this.wakeTimer = this.source.clock.setTimeout(
      () => {
        this.wakeTimer = undefined;
        void this.pump();
      },
      Math.max(1, earliest - this.source.clock.now()),
    );
  }
}
