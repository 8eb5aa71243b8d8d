import type { Clock, TimerHandle } from '../clock';
import type { ConcurrencyController } from './concurrency';

export interface SlotRampSource {
  /** Running, every slot busy and work queued: the slots, not the limiter, hold dispatch back. */
  slotBound(): boolean;
  /** The value grew: dispatch into the new slots. */
  grew(): void;
}

/**
 * Lets concurrency grow while the slots are what holds dispatch back, even before any request has
 * completed (with 3 s answers nothing completes for 3 s, and growth only on completion waited
 * that long). One re-armed timer, armed only while slot-bound and below the ceiling: never polls.
 */
export class SlotRamp {
  private timer?: TimerHandle;

  constructor(
    private readonly clock: Clock,
    private readonly concurrency: ConcurrencyController,
    private readonly source: SlotRampSource,
  ) {}

  /** Call whenever dispatch comes to rest. */
  check(): void {
    if (this.timer || !this.source.slotBound()) return;
    const before = this.concurrency.current;
    const againInMs = this.concurrency.slotBound(this.clock.now());
    if (againInMs !== undefined) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.check();
      }, againInMs);
    }
    if (this.concurrency.current > before) this.source.grew();
  }

  clear(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
