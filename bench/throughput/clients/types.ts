import type { Ideal } from '../ideal';
import type { JobSpec } from '../jobs';
import type { RunRecorder } from '../recorder';
import type { Scenario } from '../scenarios';

/** What the harness gives a client: where the simulator is, the scenario, and where to report. */
export interface ClientContext {
  readonly url: string;
  readonly scenario: Scenario;
  readonly ideal: Ideal;
  readonly recorder: RunRecorder;
}

export interface BenchClient {
  /** Submits jobs (the harness calls it at t = 0 and again for late jobs). */
  add(jobs: readonly JobSpec[]): void;
  /** Abandons whatever is left (time cap) and releases timers; must not throw. */
  stop(): Promise<void>;
  /** Client-specific numbers worth printing under the table. */
  diagnostics?(): Record<string, number | string>;
}

export interface ClientFactory {
  readonly name: string;
  /** Longest this client may run in a scenario before the harness stops it and extrapolates. */
  timeCapMs(ideal: Ideal): number;
  create(ctx: ClientContext): BenchClient;
  /**
   * The client runs a job's steps itself (Forge: one job answers `continue` per step). Otherwise the
   * harness submits each step as a job of its own once the step before it has succeeded.
   */
  readonly nativeSteps?: boolean;
  /** Excluded from the ★: a comparison row (what-if, or Forge told the limits in a scenario that does not tell). */
  readonly reference?: boolean;
}

export const API_KEY = 'sk-ant-bench';

/** Everyone but the seed queue: 1.6 × the ideal plus 3 s, then the harness extrapolates. */
export function defaultCap(ideal: Ideal): number {
  return Math.round((1.6 * ideal.seconds + 3) * 1000);
}
