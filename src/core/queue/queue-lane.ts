import { Deque } from './deque';
import { StepHeap } from './step-heap';

/** A queued job inside a lane (priority-queue.ts). */
export interface Entry<J> {
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

/**
 * One priority level: requeued jobs (continued steps and retries) ordered by steps left, then
 * fresh work taken round-robin across batches so a small batch queued behind a huge one still
 * gets its turn. Removal is lazy: entries are flagged dead and skipped here.
 */
export class Lane<J> {
  readonly retries = new StepHeap<Entry<J>>();
  readonly batches = new Map<string, Deque<Entry<J>>>();
  /** Batch ids in round-robin order; a batch is here exactly when `batches` has it. */
  ring = new Deque<string>();
  live = 0;
  dead = 0;

  /** Takes the next entry in dispatch order (still flagged alive: the caller retires it). */
  take(chains: ChainPolicy<J>): Entry<J> | undefined {
    const retry = this.dropDead(this.retries);
    const fresh = this.freshFront();
    if (fresh && freshFirst(chains, retry, fresh)) {
      const batchId = this.ring.popFront()!;
      const deque = this.batches.get(batchId)!;
      deque.popFront();
      if (deque.length > 0) this.ring.pushBack(batchId);
      else this.batches.delete(batchId);
      return fresh;
    }
    if (retry) {
      this.retries.popFront();
      return retry;
    }
    return undefined;
  }

  /** The entry `take` would return, left in place. */
  front(chains: ChainPolicy<J>): Entry<J> | undefined {
    const retry = this.dropDead(this.retries);
    const fresh = this.freshFront();
    return fresh && freshFirst(chains, retry, fresh) ? fresh : retry;
  }

  /**
   * The jobs `take` would return next, in that order, left in place: what `take` decides, replayed
   * on cursors, with the chain policy asked as it answers now (launching may change its answer,
   * so callers check each job is still the head when its turn comes). Reading k costs O(k²).
   */
  *upcoming(chains: ChainPolicy<J>): Generator<J> {
    const retries = this.retries.front();
    const fresh = this.freshInOrder();
    let retry = nextAlive(retries);
    let next = nextAlive(fresh);
    while (retry || next) {
      if (next && freshFirst(chains, retry, next)) {
        yield next.job;
        next = nextAlive(fresh);
      } else if (retry) {
        yield retry.job;
        retry = nextAlive(retries);
      } else {
        return;
      }
    }
  }

  /** The lane's jobs in dequeue order, lazily: reading k of them costs O(k). */
  *inOrder(): Generator<J> {
    // As if no chain started ahead of the requeued ones: the listing shows the order without a policy's say.
    for (const e of this.retries.sorted()) if (e.alive) yield e.job;
    for (const e of this.freshInOrder()) yield e.job;
  }

  /** Fresh entries in round-robin order, replayed without mutating: one cursor per batch, visited in ring order. */
  private *freshInOrder(): Generator<Entry<J>> {
    let active: { deque: Deque<Entry<J>>; index: number }[] = [];
    for (const batchId of this.ring) {
      const deque = this.batches.get(batchId);
      if (deque) active.push({ deque, index: 0 });
    }
    while (active.length > 0) {
      const still: typeof active = [];
      for (const cursor of active) {
        let e = cursor.deque.at(cursor.index);
        while (e && !e.alive) e = cursor.deque.at(++cursor.index);
        if (!e) continue;
        cursor.index++;
        yield e;
        still.push(cursor);
      }
      active = still;
    }
  }

  /** Rebuilds the lane with only its living entries, in the same order. */
  compact(): void {
    const retries: Entry<J>[] = [];
    for (const e of this.retries) if (e.alive) retries.push(e);
    const ring = new Deque<string>();
    for (const batchId of this.ring) {
      const old = this.batches.get(batchId)!;
      const fresh = new Deque<Entry<J>>();
      for (const e of old) if (e.alive) fresh.pushBack(e);
      if (fresh.length > 0) {
        this.batches.set(batchId, fresh);
        ring.pushBack(batchId);
      } else {
        this.batches.delete(batchId);
      }
    }
    // `retries` is readonly to callers; swap contents in place.
    this.retries.clear();
    for (const e of retries) this.retries.pushBack(e);
    this.ring = ring;
    this.dead = 0;
  }

  /** The live fresh entry at the front of the round-robin (left in place), dropping emptied batches. */
  private freshFront(): Entry<J> | undefined {
    for (;;) {
      const batchId = this.ring.peekFront();
      if (batchId === undefined) return undefined;
      const entry = this.dropDead(this.batches.get(batchId)!);
      if (entry) return entry;
      this.ring.popFront();
      this.batches.delete(batchId);
    }
  }

  /** Pops dead entries off the front; returns the first live one (left in place). */
  private dropDead(deque: Deque<Entry<J>> | StepHeap<Entry<J>>): Entry<J> | undefined {
    for (;;) {
      const e = deque.peekFront();
      if (!e || e.alive) return e;
      deque.popFront();
      this.dead--;
    }
  }
}

function nextAlive<J>(entries: Iterator<Entry<J>>): Entry<J> | undefined {
  for (;;) {
    const step = entries.next();
    if (step.done) return undefined;
    if (step.value.alive) return step.value;
  }
}

/** A fresh job goes before the requeued ones when it is all there is, or when it starts a longer chain that may start. */
function freshFirst<J>(chains: ChainPolicy<J>, retry: Entry<J> | undefined, fresh: Entry<J>): boolean {
  if (!retry) return true;
  return fresh.stepsLeft > retry.stepsLeft && chains.mayStart(fresh.job);
}
