import { ForgeError } from '../../../src/core/errors';
import { STATE_SCHEMA, type SharedClassState } from '../../../src/core/limiter/shared-state';
import type { LimiterStore, UpdateFn } from '../../../src/core/limiter/store';
import { MemoryStore } from '../../../src/core/limiter/stores/memory-store';
import { FakeClock } from '../../support/fake-clock';
import { headers, limits, makeLimiter } from './helpers';

const KEY = `limiter:v${STATE_SCHEMA}:sonnet`;
export const ZERO = { requests: 0, inputTokens: 0, outputTokens: 0 };
/** Headers of a response at 6,000 RPM. */
export const heard = headers({ 'anthropic-ratelimit-requests-limit': 6_000, 'anthropic-ratelimit-requests-remaining': 5_999 });

/** A limiter at 6,000 RPM on an AsyncStore, and its sonnet state as stored. */
export function onAsyncStore() {
  const clock = new FakeClock(0);
  const store = new AsyncStore(new MemoryStore(clock));
  const { limiter } = makeLimiter(limits(6_000), { clock, store });
  const state = async () => (await store.inner.read<SharedClassState>(KEY)).state!;
  return { clock, store, limiter, state };
}

/** A memory store behind the async, copying interface (what a shared store looks like to the limiter). */
export class AsyncStore implements LimiterStore {
  readonly scope = 'local' as const;
  down = false;
  /** The next update is committed, then its reply is lost (a Redis timeout after the script ran). */
  loseNextReply = false;
  updates = 0;
  constructor(readonly inner: MemoryStore) {}
  private check(): void {
    if (this.down) throw new ForgeError('store_unavailable', 'shared limits file: cannot write: EIO');
  }
  async read<T>(key: string) {
    this.check();
    return this.inner.read<T>(key);
  }
  async update<T, R>(key: string, fn: UpdateFn<T, R>) {
    this.check();
    this.updates++;
    const result = await this.inner.update(key, fn);
    if (this.loseNextReply) {
      this.loseNextReply = false;
      throw new ForgeError('store_unavailable', 'Redis at redis://127.0.0.1 unreachable: timeout');
    }
    return result;
  }
  async delete(key: string) {
    await this.inner.delete(key);
  }
  async dispose() {}
}
