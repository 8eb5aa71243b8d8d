import { Deque } from './deque';
import { page, type ListOptions } from './page';
import { StepHeap } from './step-heap';
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

interface Entry<J> {
  readonly job: J;
  alive: boolean;
  readonly requeued: boolean;
  readonly lane: Lane<J>;
  /** Steps the job had left when queued, this one included. */
  readonly stepsLeft: number;
  readonly seq: number;
}

/**
 * How multi-request jobs (conversations of several turns) are ordered. Without it every job counts
 * as one step and starting is always allowed: the queue's order is exactly as if chains did not exist.
 */
export interface ChainPolicy<J> {
  /** Requests the job still has to make, the next one included (1 for a single request). */
  stepsLeft(job: J): number;
  /** May this fresh job start a new chain now, or are enough in progress already? */
  mayStart(job: J): boolean;
}

const NO_CHAINS: ChainPolicy<unknown> = { stepsLeft: () => 1, mayStart: () => true };

/**
 * One priority level: requeued jobs (continued steps and retries) ordered by steps left, then
 * fresh work taken round-robin across batches so a small batch queued behind a huge one still
 * gets its turn.
 */
class Lane<J> {
  readonly retries = new StepHeap<Entry<J>>();
  readonly batches = new Map<string, Deque<Entry<J>>>();
  /** Batch ids in round-robin order; a batch is here exactly when `batches` has it. */
  ring = new Deque<string>();
  live = 0;
  dead = 0;
}

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
      const entry = this.takeFrom(lane);
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
      const entry = this.frontOf(lane);
      if (entry) return entry.job;
    }
    return undefined;
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
    return this.inOrder(this.lanes[priority]);
  }

  private *inOrder(lane: Lane<J>): Generator<J> {
    // As if no chain started ahead of the requeued ones: the listing shows the order without a policy's say.
    for (const e of lane.retries.sorted()) if (e.alive) yield e.job;
    // Replays the round-robin without mutating: one cursor per batch, visited in ring order.
    let active: { deque: Deque<Entry<J>>; index: number }[] = [];
    for (const batchId of lane.ring) {
      const deque = lane.batches.get(batchId);
      if (deque) active.push({ deque, index: 0 });
    }
    while (active.length > 0) {
      const still: typeof active = [];
      for (const cursor of active) {
        let e = cursor.deque.at(cursor.index);
        while (e && !e.alive) e = cursor.deque.at(++cursor.index);
        if (!e) continue;
        cursor.index++;
        yield e.job;
        still.push(cursor);
      }
      active = still;
    }
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
    if (lane.dead >= COMPACT_MIN_DEAD && lane.dead > lane.live) this.compact(lane);
  }

  private takeFrom(lane: Lane<J>): Entry<J> | undefined {
    const retry = this.dropDead(lane, lane.retries);
    const fresh = this.freshFront(lane);
    if (fresh && this.freshFirst(retry, fresh)) {
      const batchId = lane.ring.popFront()!;
      const deque = lane.batches.get(batchId)!;
      deque.popFront();
      if (deque.length > 0) lane.ring.pushBack(batchId);
      else lane.batches.delete(batchId);
      return fresh;
    }
    if (retry) {
      lane.retries.popFront();
      return retry;
    }
    return undefined;
  }

  private frontOf(lane: Lane<J>): Entry<J> | undefined {
    const retry = this.dropDead(lane, lane.retries);
    const fresh = this.freshFront(lane);
    return fresh && this.freshFirst(retry, fresh) ? fresh : retry;
  }

  /** A fresh job goes before the requeued ones when it is all there is, or when it starts a longer chain that may start. */
  private freshFirst(retry: Entry<J> | undefined, fresh: Entry<J>): boolean {
    if (!retry) return true;
    return fresh.stepsLeft > retry.stepsLeft && this.chains.mayStart(fresh.job);
  }

  /** The live fresh entry at the front of the round-robin (left in place), dropping emptied batches. */
  private freshFront(lane: Lane<J>): Entry<J> | undefined {
    for (;;) {
      const batchId = lane.ring.peekFront();
      if (batchId === undefined) return undefined;
      const entry = this.dropDead(lane, lane.batches.get(batchId)!);
      if (entry) return entry;
      lane.ring.popFront();
      lane.batches.delete(batchId);
    }
  }

  /** Pops dead entries off the front; returns the first live one (left in place). */
  private dropDead(lane: Lane<J>, deque: Deque<Entry<J>> | StepHeap<Entry<J>>): Entry<J> | undefined {
    for (;;) {
      const e = deque.peekFront();
      if (!e || e.alive) return e;
      deque.popFront();
      lane.dead--;
    }
  }

  private compact(lane: Lane<J>): void {
    const retries: Entry<J>[] = [];
    for (const e of lane.retries) if (e.alive) retries.push(e);
    const ring = new Deque<string>();
    for (const batchId of lane.ring) {
      const old = lane.batches.get(batchId)!;
      const fresh = new Deque<Entry<J>>();
      for (const e of old) if (e.alive) fresh.pushBack(e);
      if (fresh.length > 0) {
        lane.batches.set(batchId, fresh);
        ring.pushBack(batchId);
      } else {
        lane.batches.delete(batchId);
      }
    }
    // `retries` is readonly to callers; swap contents in place.
    lane.retries.clear();
    for (const e of retries) lane.retries.pushBack(e);
    lane.ring = ring;
    lane.dead = 0;
  }
}
