import type { SharedClassState } from './shared-state';

/** A settlement or an observe bound for a shared store, waiting to ride the next update of its class. */
export interface QueuedUpdate {
  readonly modelClass: string;
  /** Runs inside a store update, so it is pure in (state, now) like the update; true when it changed the state. */
  readonly apply: (s: SharedClassState, now: number) => boolean;
  /**
   * A settlement must land, so it waits out a store outage at the front of the queue; an observe
   * is dropped instead (its permit stays unheard and the settlement brings the headers).
   */
  readonly keepThroughOutage: boolean;
  readonly resolve: (changed: boolean) => void;
  readonly reject: (reason: unknown) => void;
}

/** What a batch of queued updates did: each one's own answer, in order, and whether any changed the state. */
export interface QueuedOutcomes {
  readonly changed: boolean;
  readonly each: readonly boolean[];
}

/**
 * Applies `updates` in order inside one store update. One that throws throws the whole update (a
 * store writes nothing then, so nothing it did halfway is kept); the caller lands them one by one.
 */
export function applyQueued(updates: readonly QueuedUpdate[], s: SharedClassState, now: number): QueuedOutcomes {
  const each = updates.map((u) => u.apply(s, now));
  return { changed: each.some((c) => c), each };
}

/**
 * The settlements and observes of a process on a shared store, applied together. Each one alone
 * cost a store update (on the local file store a lock, two reads and a write), three per request;
 * queued, those made in one turn of the event loop share one update, and the admit that follows
 * carries its class's along in its own. Order is kept: updates carrying queued ones run one at a
 * time (a settlement's number relies on it, lease-buckets.ts), and a batch that did not land goes
 * back to the front.
 */
export class UpdateQueue {
  private queue: QueuedUpdate[] = [];
  private carrying: Promise<void> | undefined;
  private flushScheduled = false;

  /** `flush` applies whatever is queued; it runs once the current turn of the event loop is over. */
  constructor(private readonly flush: () => Promise<void>) {}

  get size(): number {
    return this.queue.length;
  }

  /** Queues one update; resolves with whether it changed the state once it landed (false if it was dropped or waits out an outage). */
  add(modelClass: string, apply: QueuedUpdate['apply'], keepThroughOutage: boolean): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ modelClass, apply, keepThroughOutage, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      // Not a timer: a turn of the loop, so everything that ended in it shares one update and no clock is involved.
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    });
  }

  /** The classes with updates queued, in the order they were first queued. */
  classes(): string[] {
    return [...new Set(this.queue.map((u) => u.modelClass))];
  }

  /** Takes the queued updates of `modelClass` off the queue, in order. */
  take(modelClass: string): QueuedUpdate[] {
    const taken = this.queue.filter((u) => u.modelClass === modelClass);
    if (taken.length > 0) this.queue = this.queue.filter((u) => u.modelClass !== modelClass);
    return taken;
  }

  /** Runs `run`, an update carrying queued ones, once no other is under way. */
  async carry<R>(run: () => Promise<R>): Promise<R> {
    while (this.carrying) await this.carrying;
    const running = run();
    this.carrying = running.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await running;
    } finally {
      this.carrying = undefined;
    }
  }

  /** The update carrying `taken` landed: each caller hears what its own did. */
  landed(taken: readonly QueuedUpdate[], outcomes: QueuedOutcomes): void {
    taken.forEach((u, i) => u.resolve(outcomes.each[i]!));
  }

  /**
   * The update carrying `taken` did not land (the store is out of reach): settlements go back to
   * the front, ahead of any queued since, to land with a later update; observes are dropped. Every
   * caller is let go.
   */
  putBack(taken: readonly QueuedUpdate[]): void {
    this.queue = [...taken.filter((u) => u.keepThroughOutage), ...this.queue];
    for (const u of taken) u.resolve(false);
  }

  /** The update carrying `taken` failed for a reason of its own: nothing of it landed, and each caller hears why. */
  failed(taken: readonly QueuedUpdate[], reason: unknown): void {
    for (const u of taken) u.reject(reason);
  }
}
