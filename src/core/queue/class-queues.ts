import { page, type ListOptions } from './page';
import { PriorityQueue, type ChainPolicy, type PriorityTarget, type Queueable } from './priority-queue';
import { PRIORITIES, type Priority } from './types';
import { expectOneOf, unexpected } from '../validate';

/** What the queues need to know about a job: rate limits apply per model class. */
export interface ClassQueueable extends Queueable {
  readonly modelClass: string;
}

interface ClassLane<J extends ClassQueueable> {
  readonly queue: PriorityQueue<J>;
  /** When a job of this class was last taken (a turn number); 0 before the first. */
  servedAt: number;
}

const RANK: Readonly<Record<Priority, number>> = { high: 0, normal: 1, low: 2 };

/**
 * One PriorityQueue per model class, so a class whose limiter refuses its head does not hold up
 * another class. Within a class the order is exactly PriorityQueue's (priority, retries first,
 * round-robin between batches, FIFO within a batch). Across classes, `next` offers the best head:
 * the highest priority, and among equal priorities the class served longest ago (round-robin).
 * Costs are PriorityQueue's plus O(C) for C model classes (a handful), never O(jobs).
 */
export class ClassQueues<J extends ClassQueueable> {
  /** In the order each class first got a job. */
  private readonly lanes = new Map<string, ClassLane<J>>();
  private turn = 0;

  /** `chains` orders multi-request jobs within each class (see PriorityQueue); default: none. */
  constructor(private readonly chains?: ChainPolicy<J>) {}

  get size(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.queue.size;
    return n;
  }

  sizeByPriority(): Record<Priority, number> {
    const sizes = { high: 0, normal: 0, low: 0 };
    for (const lane of this.lanes.values()) {
      const s = lane.queue.sizeByPriority();
      for (const p of PRIORITIES) sizes[p] += s[p];
    }
    return sizes;
  }

  /** Adds fresh work at the back of its batch in its class. Throws if a job with that id is already queued. */
  enqueue(job: J): void {
    this.assertNew(job.id);
    this.laneOf(job.modelClass).queue.enqueue(job);
  }

  /** Puts a job being retried (or continued) ahead of all fresh work of its priority in its class. */
  requeue(job: J): void {
    this.assertNew(job.id);
    this.laneOf(job.modelClass).queue.requeue(job);
  }

  /**
   * The job to try next among classes whose head `skip` does not rule out (a class waiting on its
   * limiter): highest priority first, then the class served longest ago. Does not take it.
   */
  next(skip: (head: J) => boolean): J | undefined {
    let best: { job: J; lane: ClassLane<J> } | undefined;
    for (const lane of this.lanes.values()) {
      const job = lane.queue.peek();
      if (!job || skip(job)) continue;
      if (
        !best ||
        RANK[job.priority] < RANK[best.job.priority] ||
        (job.priority === best.job.priority && lane.servedAt < best.lane.servedAt)
      ) {
        best = { job, lane };
      }
    }
    return best?.job;
  }

  /** True while jobs of `modelClass` are queued. */
  holds(modelClass: string): boolean {
    return (this.lanes.get(modelClass)?.queue.size ?? 0) > 0;
  }

  /** True while `job` is the head of its class: what that class's `dequeue` would return. */
  isHead(job: J): boolean {
    return this.lanes.get(job.modelClass)?.queue.peek() === job;
  }

  /**
   * `head` (the head of its class) and the jobs right behind it that its class would dequeue next
   * at the same priority, at most `max` in all: what one batched admit may ask for.
   */
  upcoming(head: J, max: number): J[] {
    const lane = this.lanes.get(head.modelClass);
    const jobs = lane?.queue.upcoming(max) ?? [];
    return jobs[0] === head ? jobs : [head];
  }

  /** Takes `job`, which must be the head of its class. */
  take(job: J): void {
    const lane = this.lanes.get(job.modelClass);
    const taken = lane?.queue.dequeue();
    if (taken !== job) throw unexpected(`job \`${job.id}\``, `the head of class \`${job.modelClass}\``, 'it was not');
    lane!.servedAt = ++this.turn;
  }

  has(id: string): boolean {
    return this.queueHolding(id) !== undefined;
  }

  /** Removes a queued job; returns it, or undefined when it was not queued. */
  remove(id: string): J | undefined {
    return this.queueHolding(id)?.remove(id);
  }

  /** Moves one job or a whole batch (in every class) to another priority; returns how many moved. */
  changePriority(target: PriorityTarget, priority: Priority): number {
    expectOneOf('priority', priority, PRIORITIES);
    if ('id' in target) return this.queueHolding(target.id)?.changePriority(target, priority) ?? 0;
    let moved = 0;
    for (const lane of this.lanes.values()) moved += lane.queue.changePriority(target, priority);
    return moved;
  }

  /**
   * Queued jobs of one priority, one class at a time in turn (the class served longest ago first),
   * each class in its own dequeue order: the order they would go in if no limiter refused. With one
   * model class this is exactly PriorityQueue's order. A page of k after offset o reads O(o + k).
   */
  listByPriority(priority: Priority, options?: ListOptions): J[] {
    return page(this.interleaved(priority), options);
  }

  private *interleaved(priority: Priority): Generator<J> {
    // Map order breaks ties, as in `next`; sort is stable.
    let active = [...this.lanes.values()].sort((a, b) => a.servedAt - b.servedAt).map((lane) => lane.queue.ordered(priority));
    while (active.length > 0) {
      const still: typeof active = [];
      for (const jobs of active) {
        const step = jobs.next();
        if (step.done) continue;
        yield step.value;
        still.push(jobs);
      }
      active = still;
    }
  }

  private laneOf(modelClass: string): ClassLane<J> {
    let lane = this.lanes.get(modelClass);
    if (!lane) {
      lane = { queue: new PriorityQueue<J>(this.chains), servedAt: 0 };
      this.lanes.set(modelClass, lane);
    }
    return lane;
  }

  private queueHolding(id: string): PriorityQueue<J> | undefined {
    for (const lane of this.lanes.values()) if (lane.queue.has(id)) return lane.queue;
    return undefined;
  }

  private assertNew(id: string): void {
    if (this.has(id)) throw unexpected(`job id \`${id}\``, 'unique in the queue', 'it is already queued');
  }
}
