import type { Clock, TimerHandle } from '../../core/clock';
import type { Disposable } from '../ports';
import { expectInteger } from '../../core/validate';

/**
 * A trailing-edge throttle on an injected clock: the first trigger arms one timer; triggers while
 * it is armed are folded into it; when it fires, `run` reads the latest state. So a burst of
 * events becomes one call at most every `ms`, and the call always sees the newest state.
 */
export class TrailingThrottle implements Disposable {
  private timer: TimerHandle | undefined;
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
    private readonly run: () => void,
  ) {
    expectInteger('ms', ms, 0);
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  trigger(): void {
    if (this.disposed || this.timer) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.disposed) this.run();
    }, this.ms);
  }

  /** Drops a pending call (its state is about to be sent some other way). */
  cancel(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }
}
