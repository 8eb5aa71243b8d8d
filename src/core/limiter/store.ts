/**
 * Where the limiter keeps every piece of mutable state (bottleneck's datastore seam): the
 * in-memory store serves one process; a Redis or file store can serve several later, behind
 * the same interface and the same contract suite (test/core/limiter/store-contract.ts).
 *
 * States must be plain JSON-compatible data: a shared store will serialize them.
 */
export interface StoreUpdate<T, R> {
  readonly state: T;
  readonly result: R;
}

export interface LimiterStore {
  /** The state under `key`, or undefined. The caller gets a copy: mutating it changes nothing. */
  get<T>(key: string): Promise<T | undefined>;
  /**
   * Atomic read-modify-write: `fn` sees the current state (a copy, undefined when absent) and
   * returns the next state plus a result for the caller. If `fn` throws, nothing is written and
   * the promise rejects. Updates to one key never interleave.
   */
  update<T, R>(key: string, fn: (state: T | undefined) => StoreUpdate<T, R>): Promise<R>;
  delete(key: string): Promise<void>;
}

/** Single-process store. Copies on the way in and out so it behaves like a serializing store. */
export class MemoryStore implements LimiterStore {
  private readonly states = new Map<string, unknown>();

  async get<T>(key: string): Promise<T | undefined> {
    const state = this.states.get(key);
    return state === undefined ? undefined : (structuredClone(state) as T);
  }

  async update<T, R>(key: string, fn: (state: T | undefined) => StoreUpdate<T, R>): Promise<R> {
    // fn is synchronous and this body never awaits, so the read-modify-write cannot interleave.
    const current = this.states.get(key);
    const next = fn(current === undefined ? undefined : (structuredClone(current) as T));
    this.states.set(key, structuredClone(next.state));
    return next.result;
  }

  async delete(key: string): Promise<void> {
    this.states.delete(key);
  }
}
