import { Deque } from './deque';
import { page, type ListOptions } from './page';
import { Lane, type ChainPolicy, type Entry } from './queue-lane';
import { PRIORITIES, type Priority } from './types';
import { expectOneOf, unexpected } from '../validate';

/** What the queue needs to know about a job. */
export interface Queueable {
  readonly id: string;
  readonly batchId: string;
  priority: Priority;
}

export type { ListOptions };

/** Move one job (`{ id }`) or every queued job of a batch (`{ batchId }`). */
export type PriorityTarget = { readonly id: string } | { readonly batchId: string };

export type { ChainPolicy };

const NO_CHAINS: ChainPolicy<unknown> = { stepsLeft: () => 1, mayStart: () => true };

// Removal is lazy (entries are flagged dead and skipped); compact only once the dead
// outnumber the living, so the amortised cost per removal stays O(1).
const COMPACT_MIN_DEAD = 1024;

/**
 * Priority queue for jobs: high > normal > low; within a priority, requeued jobs first (the most
 * steps left first, FIFO among equals: see step-heap.ts), then fresh jobs round-robin between
 * batches, FIFO within a batch. One exception makes chains end without a tail: a fresh job whose
 * chain is longer than every requeued one goes first while the ChainPolicy lets chains start, so
 * enough conversations are in progress to reach the allowed rate, and none starts late to trail
 * alone. Every operation is O(1) amortised (O(log r) with r requeued jobs) except listing and
 * moving a whole batch (O(k)).
 */
export class PriorityQueue<J extends Queueable> {
  private readonly lanes: Record<Priority, Lane<J>> = { high: new Lane(), normal: new Lane(), low: new Lane() };
  private readonly byId = new Map<string, Entry<J>>();
  private seq = 0;

  constructor(private readonly chains: ChainPolicy<J> = NO_CHAINS as ChainPolicy<J>) {}

  get size(): number {
    return this.byId.size;
  }

  sizeByPriority(): Record<Priority, number> {
    return { high: this.lanes.high.live, normal: this.lanes.normal.live, low: this.lanes.low.live };
  }

  /** Adds fresh work at the back of its batch. Throws if a job with that id is already queued. */
  enqueue(job: J): void {
    this.insert(job, false);
  }

  /** Puts a job being retried (or continued) ahead of all fresh work of its priority. */
  requeue(job: J): void {
    this.insert(job, true);
  }

  /** Takes the next job in dispatch order. */
  dequeue(): J | undefined {
    for (const p of PRIORITIES) {
      const lane = this.lanes[p];
      if (lane.live === 0) continue;
      const entry = lane.take(this.chains);
      if (entry) {
        entry.alive = false;
        lane.live--;
        this.byId.delete(entry.job.id);
        return entry.job;
      }
    }
    return undefined;
  }

  /** The job `dequeue` would return, without taking it. */
  peek(): J | undefined {
    for (const p of PRIORITIES) {
      const lane = this.lanes[p];
      if (lane.live === 0) continue;
      const entry = lane.front(this.chains);
      if (entry) return entry.job;
    }
    return undefined;
  }

  /**
   * Up to `max` jobs that would be dequeued next, in order, all of the head's priority (a batch of
   * admits never reaches past it), left in place. The first is `peek()`'s.
   */
  upcoming(max: number): J[] {
    const out: J[] = [];
    if (max <= 0) return out;
    for (const p of PRIORITIES) {
      const lane = this.lanes[p];
      if (lane.live === 0) continue;
      for (const job of lane.upcoming(this.chains)) {
        out.push(job);
        if (out.length >= max) break;
      }
      return out;
    }
    return out;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  find(id: string): J | undefined {
    return this.byId.get(id)?.job;
  }

  /** Removes a queued job; returns it, or undefined when it was not queued. */
  remove(id: string): J | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    this.kill(entry);
    return entry.job;
  }

  clear(): void {
    for (const p of PRIORITIES) this.lanes[p] = new Lane();
    this.byId.clear();
  }

  /**
   * Moves one job or a whole batch to another priority (the job's `priority` field follows).
   * Returns how many queued jobs moved.
   */
  changePriority(target: PriorityTarget, priority: Priority): number {
    expectOneOf('priority', priority, PRIORITIES);
    if ('id' in target) {
      const entry = this.byId.get(target.id);
      if (!entry || entry.lane === this.lanes[priority]) return 0;
      this.kill(entry);
      entry.job.priority = priority;
      this.insert(entry.job, entry.requeued);
      return 1;
    }
    let moved = 0;
    for (const p of PRIORITIES) {
      if (p === priority) continue;
      const lane = this.lanes[p];
      const entries: Entry<J>[] = [];
      for (const e of lane.retries) if (e.alive && e.job.batchId === target.batchId) entries.push(e);
      const fresh = lane.batches.get(target.batchId);
      if (fresh) for (const e of fresh) if (e.alive) entries.push(e);
      for (const e of entries) {
        this.kill(e);
        e.job.priority = priority;
        this.insert(e.job, e.requeued);
        moved++;
      }
    }
    return moved;
  }

  /** Queued jobs of one priority in dequeue order, for paging through large queues in a UI. */
  listByPriority(priority: Priority, options: ListOptions = {}): J[] {
    return page(this.ordered(priority), options);
  }

  /** Queued jobs of one priority in dequeue order, lazily: reading k of them costs O(k). */
  ordered(priority: Priority): Generator<J> {
    return this.lanes[priority].inOrder();
  }

  private insert(job: J, requeued: boolean): void {
    if (this.byId.has(job.id)) {
      throw unexpected(`job id \`${job.id}\``, 'unique in the queue', 'it is already queued');
    }
    expectOneOf('priority', job.priority, PRIORITIES);
    const lane = this.lanes[job.priority];
    const entry: Entry<J> = { job, alive: true, requeued, lane, stepsLeft: this.chains.stepsLeft(job), seq: this.seq++ };
    if (requeued) {
      lane.retries.pushBack(entry);
    } else {
      let deque = lane.batches.get(job.batchId);
      if (!deque) {
        deque = new Deque<Entry<J>>();
        lane.batches.set(job.batchId, deque);
        lane.ring.pushBack(job.batchId);
      }
      deque.pushBack(entry);
    }
    lane.live++;
    this.byId.set(job.id, entry);
  }

  private kill(entry: Entry<J>): void {
    entry.alive = false;
    const lane = entry.lane;
    lane.live--;
    lane.dead++;
    this.byId.delete(entry.job.id);
    if (lane.dead >= COMPACT_MIN_DEAD && lane.dead > lane.live) lane.compact();
  }
}
