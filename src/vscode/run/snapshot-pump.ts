import type { Clock, TimerHandle } from '../../core/clock';
import { classify } from '../../core/errors';
import type { GenerationRun } from '../../core/generate/run/generation-run';
import type { RunSnapshot } from '../../core/generate/run/run-types';
import type { LogSink } from '../ports';

export interface SnapshotPumpDeps {
  clock: Clock;
  log: LogSink;
  /** Default 250 (at most 4 snapshots a second); read at every tick like the rest of the deps. */
  snapshotIntervalMs?: number;
}

/**
 * Snapshots of the active run: marked dirty by events, sent at most once per interval, plus once a
 * second while running so rates and ETAs move even when nothing completes. Computing a snapshot
 * is async, so a tick that outlives its run (the run ended or was replaced meanwhile) drops it.
 */
export class SnapshotPump {
  private timer?: TimerHandle;
  private dirty = false;
  private lastAt = 0;
  /** The latest snapshot computed for the active run; the controller clears it when a run opens or ends. */
  latest?: RunSnapshot;

  constructor(
    private readonly deps: SnapshotPumpDeps,
    /** The run in progress now (it changes under a pending tick). */
    private readonly current: () => GenerationRun | undefined,
    private readonly emit: (snapshot: RunSnapshot) => void,
  ) {}

  start(): void {
    this.stop();
    this.dirty = true;
    this.schedule();
  }

  stop(): void {
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  markDirty(): void {
    this.dirty = true;
  }

  private schedule(): void {
    const interval = this.deps.snapshotIntervalMs ?? 250;
    this.timer = this.deps.clock.setTimeout(() => void this.tick(), interval);
  }

  private async tick(): Promise<void> {
    const run = this.current();
    if (!run) return;
    const now = this.deps.clock.now();
    if (this.dirty || now - this.lastAt >= 1000) {
      this.dirty = false;
      this.lastAt = now;
      try {
        const snap = await run.snapshot();
        if (this.current() === run) {
          this.latest = snap;
          this.emit(snap);
        }
      } catch (error) {
        this.deps.log.debug(`snapshot failed: ${classify(error).message}`);
      }
    }
    if (this.current() === run && this.timer) this.schedule();
  }
}
