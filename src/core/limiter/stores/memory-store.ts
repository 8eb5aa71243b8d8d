import { systemClock, type Clock } from '../../clock';
import type { StoreUpdate, SyncStore, UpdateFn } from '../store';

/**
 * Single-process store. `update`/`read` copy on the way in and out so it behaves like a
 * serializing store under the contract suite; `mutate` is the limiter's in-place fast path.
 */
export class MemoryStore implements SyncStore {
  readonly scope = 'process' as const;
  private readonly states = new Map<string, unknown>();

  constructor(private readonly clock: Clock = systemClock) {}

  async read<T>(key: string): Promise<{ state: T | undefined; now: number }> {
    const state = this.states.get(key);
    return { state: state === undefined ? undefined : (structuredClone(state) as T), now: this.clock.now() };
  }

  async update<T, R>(key: string, fn: UpdateFn<T, R>): Promise<R> {
    // fn is synchronous and this body never awaits, so the read-modify-write cannot interleave.
    const current = this.states.get(key);
    const next = fn(current === undefined ? undefined : (structuredClone(current) as T), this.clock.now());
    this.states.set(key, structuredClone(next.state));
    return next.result;
  }

  mutate<T, R>(key: string, fn: (state: T | undefined, now: number) => StoreUpdate<T, R>): R {
    const next = fn(this.states.get(key) as T | undefined, this.clock.now());
    this.states.set(key, next.state);
    return next.result;
  }

  async delete(key: string): Promise<void> {
    this.states.delete(key);
  }

  async dispose(): Promise<void> {
    this.states.clear();
  }
}
