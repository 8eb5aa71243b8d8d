import type { Clock, TimerHandle } from '../../src/core/clock';

interface PendingTimer {
  id: number;
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A manual clock. `advance` fires due timers in time order and lets promise chains settle
 * between them, so async code driven by timers behaves as it would in real time.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private seq = 0;
  private readonly timers = new Map<number, PendingTimer>();

  constructor(start = Date.UTC(2026, 10, 23, 12, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + Math.max(0, ms), seq: this.seq++, callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Time of the earliest pending timer, or undefined. */
  nextTimerAt(): number | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers.values()) {
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best?.at;
  }

  /** Lets already-resolved promise chains run to completion. */
  async flush(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await this.flush();
    for (;;) {
      const due = this.earliestDue(target);
      if (!due) break;
      this.timers.delete(due.id);
      this.current = Math.max(this.current, due.at);
      due.callback();
      await this.flush();
    }
    this.current = target;
    await this.flush();
  }

  /**
   * Advances timer by timer until `done()` is true or no timers remain (or `maxMs` passes).
   * Returns the simulated milliseconds that elapsed.
   */
  async runUntil(done: () => boolean, maxMs = 24 * 3600_000): Promise<number> {
    const start = this.current;
    await this.flush();
    while (!done()) {
      const at = this.nextTimerAt();
      if (at === undefined || at - start > maxMs) break;
      await this.advance(Math.max(0, at - this.current));
    }
    return this.current - start;
  }

  private earliestDue(target: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers.values()) {
      if (t.at > target) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
