import type { Clock, TimerHandle } from '../../clock';

/**
 * Decides when the 'batch' policy fsyncs: after `everyRecords` writes, or `everyMs` after the first
 * unsynced write, whichever comes first. It only decides; `sync` does the work and is expected to
 * run in the writer's queue so it never interleaves with a half-done append.
 */
export class FsyncBatcher {
  private unsynced = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly everyMs: number,
    private readonly everyRecords: number,
    private readonly requestSync: () => void,
  ) {}

  /** Called after each write; true when the caller should fsync now. */
  noteWrite(): boolean {
    this.unsynced++;
    if (this.unsynced >= this.everyRecords) return true;
    if (this.timer === undefined) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        if (this.unsynced > 0) this.requestSync();
      }, this.everyMs);
    }
    return false;
  }

  /** Called once everything written so far is fsynced. */
  noteSynced(): void {
    this.unsynced = 0;
    this.cancelTimer();
  }

  get pending(): number {
    return this.unsynced;
  }

  dispose(): void {
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
