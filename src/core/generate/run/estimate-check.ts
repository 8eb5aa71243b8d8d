import type { EtaCheckpoint } from './step-progress';

/** How far the estimates were off, told at the end of a finished run (percent: (estimated - actual) / actual). */
export interface EstimateCheck {
  readonly estimatedSeconds: number;
  readonly actualSeconds: number;
  readonly timeErrorPercent: number;
  readonly estimatedUsd: number;
  readonly actualUsd: number;
  /** Absent when nothing was spent (a dry run's price is still counted: the simulator reports usage). */
  readonly costErrorPercent?: number;
  /** The live ETA when a fifth of the work was done, against the time that was then actually left. */
  readonly etaAtFifth?: { readonly etaSeconds: number; readonly actualSeconds: number; readonly errorPercent: number };
  /** The run waited on Message Batches: its time had no estimate to check (Anthropic: usually within an hour). */
  readonly messageBatches?: true;
}

export interface CheckInput {
  /** The pre-run estimate(s): time at the rate limits and cost. */
  readonly estimate: { readonly wallSeconds: number; readonly costUsd: number };
  readonly startedAt: number;
  readonly endedAt: number;
  /** Online and Message Batch spend together. */
  readonly costUsd: number;
  readonly checkpoint?: EtaCheckpoint;
  readonly messageBatches?: boolean;
}

const errorPercent = (estimated: number, actual: number) => Math.round(((estimated - actual) / actual) * 1000) / 10;

/** Undefined when the run took no measurable time (nothing to compare with). */
export function checkEstimate(i: CheckInput): EstimateCheck | undefined {
  const actualSeconds = (i.endedAt - i.startedAt) / 1000;
  if (!(actualSeconds > 0)) return undefined;
  const eta = i.checkpoint;
  const leftSeconds = eta ? (i.endedAt - eta.at) / 1000 : 0;
  return {
    estimatedSeconds: i.estimate.wallSeconds,
    actualSeconds,
    timeErrorPercent: errorPercent(i.estimate.wallSeconds, actualSeconds),
    estimatedUsd: i.estimate.costUsd,
    actualUsd: i.costUsd,
    ...(i.costUsd > 0 ? { costErrorPercent: errorPercent(i.estimate.costUsd, i.costUsd) } : {}),
    ...(i.messageBatches ? { messageBatches: true as const } : {}),
    ...(eta && leftSeconds > 0
      ? {
          etaAtFifth: {
            etaSeconds: eta.etaMs / 1000,
            actualSeconds: leftSeconds,
            errorPercent: errorPercent(eta.etaMs / 1000, leftSeconds),
          },
        }
      : {}),
  };
}
