/**
 * Where the limiter keeps every piece of mutable state (bottleneck's datastore seam). The memory
 * store serves one process; the local store (a file under a cross-process lock) serves the
 * processes of one user on one machine; the Redis store serves several machines. All run one
 * contract suite (test/core/limiter/store-contract.ts).
 *
 * The update function is a pure function of (state, now): a shared store may run it more than
 * once (a compare-and-set that lost a race runs it again on the newer state), or never commit it.
 * So it must have no side effects — ids, counters and sets of unsettled permits live in the state
 * it returns — and it takes the time from the store, never from the caller's clock: machines
 * with skewed clocks then cannot refill a shared bucket twice.
 *
 * States must be plain JSON-compatible data: a shared store serializes them.
 */
export interface StoreUpdate<T, R> {
  readonly state: T;
  readonly result: R;
  /**
   * Nothing in `state` needs to be kept (a refused admit only refilled buckets, which the next
   * update recomputes the same): a shared store may skip the write and its round trip.
   */
  readonly unchanged?: boolean;
}

export type UpdateFn<T, R> = (state: T | undefined, now: number) => StoreUpdate<T, R>;

/** How far a store's state reaches: this process, this user's processes on this machine, or a server. */
export type StoreScope = 'process' | 'local' | 'redis';

export interface LimiterStore {
  readonly scope: StoreScope;
  /** The state under `key` (a copy, undefined when absent) and the store's time. */
  read<T>(key: string): Promise<{ readonly state: T | undefined; readonly now: number }>;
  /**
   * Atomic read-modify-write: `fn` sees the current state (a copy, undefined when absent) and the
   * store's time, and returns the next state plus a result for the caller. If `fn` throws, nothing
   * is written and the promise rejects. Updates to one key never interleave; `fn` may run more
   * than once. A store that cannot be reached rejects with a ForgeError of kind `store_unavailable`.
   */
  update<T, R>(key: string, fn: UpdateFn<T, R>): Promise<R>;
  delete(key: string): Promise<void>;
  /** Releases connections, timers and locks. */
  dispose(): Promise<void>;
}

/**
 * A store that can apply an update synchronously, in place (the memory store): the limiter's hot
 * path uses it to skip copies and promise hops. `fn` is then handed the live state and must not
 * throw after mutating it — the limiter's transitions validate before they change anything.
 */
export interface SyncStore extends LimiterStore {
  mutate<T, R>(key: string, fn: (state: T | undefined, now: number) => StoreUpdate<T, R>): R;
}

export function isSyncStore(store: LimiterStore): store is SyncStore {
  return typeof (store as Partial<SyncStore>).mutate === 'function';
}
