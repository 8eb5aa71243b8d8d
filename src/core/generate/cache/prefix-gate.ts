import { createHash } from 'node:crypto';
import type { Clock } from '../../clock';

/**
 * The first request that writes a prefix shared by several conversations goes alone; its siblings
 * wait until its response has begun (the moment the API makes the entry usable), not until it has
 * finished, and then read the prefix instead of each writing it again. A writer that fails lets the
 * next waiter write. A waiter never waits longer than `maxWaitMs`: then it sends anyway.
 */
export type GateRole = 'write' | 'read';

interface Entry {
  state: 'writing' | 'warm';
  /** Warm entries: when the cache drops the prefix unless it is used again. */
  expiresAt: number;
  /** Writing entries: settles when the writer's response begins or the writer fails. */
  settled?: Promise<void>;
  settle?: () => void;
  lastUse: number;
}

const PRUNE_EVERY = 256;

export class PrefixGate {
  private readonly entries = new Map<string, Entry>();
  private enters = 0;

  constructor(
    private readonly clock: Clock,
    private readonly maxWaitMs = 30_000,
  ) {}

  static keyOf(model: string, prefix: string): string {
    return createHash('sha256').update(model).update('\0').update(prefix).digest('hex');
  }

  /**
   * Waits while another request is writing `key`; then answers `read` (the prefix is in the cache:
   * its lifetime is renewed from now) or `write` (this request writes it: call `begun` or `failed`).
   * `onGap` hears how long a warm prefix had gone unused when it is used again or found expired.
   */
  async enter(key: string, ttlMs: number, signal?: AbortSignal, onGap?: (ms: number) => void): Promise<GateRole> {
    if (++this.enters % PRUNE_EVERY === 0) this.prune();
    const deadline = this.clock.now() + this.maxWaitMs;
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      const e = this.entries.get(key);
      if (e?.state === 'warm') {
        onGap?.(now - e.lastUse);
        if (now < e.expiresAt) {
          e.expiresAt = Math.max(e.expiresAt, now + ttlMs);
          e.lastUse = now;
          return 'read';
        }
      }
      if (e?.state === 'writing') {
        if (now >= deadline) return 'write';
        await this.waitFor(e.settled!, deadline - now, signal);
        continue;
      }
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      this.entries.set(key, { state: 'writing', expiresAt: 0, settled, settle, lastUse: now });
      return 'write';
    }
  }

  /** The writer's response began at `now`; the prefix lives `ttlMs` from the writer's start. */
  begun(key: string, startedAt: number, ttlMs: number): void {
    const e = this.entries.get(key);
    if (e?.state === 'warm') return;
    const settle = e?.settle;
    this.entries.set(key, { state: 'warm', expiresAt: startedAt + ttlMs, lastUse: startedAt });
    settle?.();
  }

  /** The writer failed before its response began: the next waiter writes. */
  failed(key: string): void {
    const e = this.entries.get(key);
    if (e?.state !== 'writing') return;
    this.entries.delete(key);
    e.settle?.();
  }

  /** True while `key` is known to be in the cache. */
  isWarm(key: string): boolean {
    const e = this.entries.get(key);
    return e?.state === 'warm' && this.clock.now() < e.expiresAt;
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [key, e] of this.entries) if (e.state === 'warm' && e.expiresAt <= now) this.entries.delete(key);
  }

  private waitFor(settled: Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(done, ms);
      const onAbort = () => {
        this.clock.clearTimeout(timer);
        reject(signal!.reason);
      };
      function done() {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      void settled.then(() => {
        this.clock.clearTimeout(timer);
        done();
      });
    });
  }
}
