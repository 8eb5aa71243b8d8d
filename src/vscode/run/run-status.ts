import type { GenerationRun } from '../../core/generate/run/generation-run';
import type { ControllerStatus } from './run-controller-types';

const IDLE: ControllerStatus = { phase: 'idle', simulated: false, health: 'healthy', files: [] };

/**
 * The controller's one status value: set it, and listeners hear of it when something they draw
 * changed (phase, health, pause, dry run, number of files, summary).
 */
export class RunStatus {
  private value: ControllerStatus = IDLE;

  constructor(private readonly emit: (status: ControllerStatus) => void) {}

  get current(): ControllerStatus {
    return this.value;
  }

  set(next: ControllerStatus): void {
    const prev = this.value;
    this.value = next;
    if (changed(prev, next)) this.announce();
  }

  /** Replaces the value without telling anyone yet (a join announces once its record is saved). */
  setQuietly(next: ControllerStatus): void {
    this.value = next;
  }

  announce(): void {
    this.emit(this.value);
  }

  /** Re-reads phase, health and the pause from the run in progress. */
  refreshFrom(run: GenerationRun): void {
    const stats = run.processor.stats;
    const { pausedUntil: _u, pauseReason: _r, ...rest } = this.value;
    this.set({
      ...rest,
      phase: run.state,
      health: stats.health,
      ...(stats.pausedUntil !== undefined ? { pausedUntil: stats.pausedUntil } : {}),
      ...(stats.pauseReason !== undefined ? { pauseReason: stats.pauseReason } : {}),
    });
  }
}

/** Whether `next` differs from `prev` in a field the `state` listeners are told about. */
function changed(prev: ControllerStatus, next: ControllerStatus): boolean {
  return (
    prev.phase !== next.phase ||
    prev.health !== next.health ||
    prev.pausedUntil !== next.pausedUntil ||
    prev.pauseReason !== next.pauseReason ||
    prev.simulated !== next.simulated ||
    prev.files.length !== next.files.length ||
    prev.summary !== next.summary
  );
}
