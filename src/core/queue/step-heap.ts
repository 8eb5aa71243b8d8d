/**
 * The requeued work of one priority (continued steps and retries): a binary heap on the steps a
 * job still has to make, most first, then on arrival, first first. Longest remaining chain first
 * is what ends a run of multi-request conversations soonest: the chain with the most steps left
 * bounds the finish, so its steps must not wait behind short ones. Among equal chains (every job
 * of a single-request run) it is plain FIFO. O(log n) push and pop; same method names as Deque
 * where the queue uses both alike.
 */
export interface Ranked {
  /** Steps left, this one included. */
  readonly stepsLeft: number;
  /** Arrival order, unique. */
  readonly seq: number;
}

function before(a: Ranked, b: Ranked): boolean {
  return a.stepsLeft !== b.stepsLeft ? a.stepsLeft > b.stepsLeft : a.seq < b.seq;
}

export class StepHeap<T extends Ranked> {
  private items: T[] = [];

  get length(): number {
    return this.items.length;
  }

  pushBack(value: T): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  peekFront(): T | undefined {
    return this.items[0];
  }

  popFront(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < a.length && before(a[l]!, a[best]!)) best = l;
      if (r < a.length && before(a[r]!, a[best]!)) best = r;
      if (best === i) break;
      [a[i], a[best]] = [a[best]!, a[i]!];
      i = best;
    }
    return top;
  }

  clear(): void {
    this.items = [];
  }

  /** In heap order (not dequeue order): for scans that do not care about order. */
  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }

  /**
   * The first items in dequeue order, lazily, without touching the heap: reading k of them costs
   * O(k²) (a frontier of at most k + 1 candidates), for a peek at the next few on the hot path.
   */
  *front(): Generator<T> {
    const a = this.items;
    if (a.length === 0) return;
    const frontier = [0];
    while (frontier.length > 0) {
      let best = 0;
      for (let i = 1; i < frontier.length; i++) if (before(a[frontier[i]!]!, a[frontier[best]!]!)) best = i;
      const at = frontier[best]!;
      frontier[best] = frontier[frontier.length - 1]!;
      frontier.pop();
      const l = 2 * at + 1;
      if (l < a.length) frontier.push(l);
      if (l + 1 < a.length) frontier.push(l + 1);
      yield a[at]!;
    }
  }

  /** In dequeue order; O(n log n), for listing. */
  sorted(): T[] {
    return [...this.items].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }
}
