import { ForgeError } from '../../../src/core/errors';
import type { LimiterStore, UpdateFn } from '../../../src/core/limiter/store';
import type { MemoryStore } from '../../../src/core/limiter/stores/memory-store';

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
