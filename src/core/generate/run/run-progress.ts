// Progress and ETA told in requests (steps), not conversations: a `turns` conversation of 20
// messages is 20 steps, and a step weighs what it costs against the limit that binds it, so a
// run mixing one-request files with long chains moves its bar, and its ETA, as each request
// finishes (counted by conversations, a run that took 52 s read "0/200, ETA 4m01s" at 15 s).
// Pure: the run gathers the figures (step-progress.ts), this decides what they mean.
import { DIMENSIONS, type Dimension, type LimiterSnapshot, type Limits } from '../../limiter/types';
import type { MessageBatchWork } from './message-batch-work';
import type { StepDemand } from './run-forecast';

/** One batch's work, as counted by the run. */
export interface BatchWork {
  readonly modelClass: string;
  readonly stepsDone: number;
  /** Steps still to make: exact for conversations under way, expected for those not started. */
  readonly stepsLeft: number;
  /** The most steps one conversation of the batch still has to make, one after another. */
  readonly chainLeft: number;
  /** Steps a minute this batch completed lately (since the run or its last resume began). */
  readonly stepsPerMinute: number;
  /** The estimate's tokens a step; absent before an estimate covered the batch (steps weigh by requests alone). */
  readonly demand?: StepDemand;
}

export interface ProgressInput {
  readonly batches: readonly BatchWork[];
  readonly limiters: readonly LimiterSnapshot[];
  /** How long the measured rates have been measuring (since the run or its last resume began). */
  readonly measuredMs: number;
  /** A step's mean duration, once one finished: a chain of steps takes at least its length times this. */
  readonly stepMs?: number;
  /** Left of a pause that holds all dispatch (a 429's, an outage's next probe): added to the ETA. */
  readonly pausedForMs?: number;
}

/** What the ETA stands on: the learned limits alone (a young run), the measured pace alone (no limit heard yet), or both. */
export type EtaBasis = 'limits' | 'measured' | 'both';

/** Plain, serialisable: the CLI, the status bar and the panel show these figures as they are. */
export interface WorkProgress {
  readonly stepsDone: number;
  readonly stepsTotal: number;
  /** Share of the work done, each step weighted by its time at the binding limit, 0..1. */
  readonly fraction: number;
  readonly etaMs?: number;
  readonly basis?: EtaBasis;
  /** The limit the remaining work is bound by (of the model class with the most time left at its limits). */
  readonly binding?: Dimension;
  /** That limit, per minute. */
  readonly bindingPerMinute?: number;
  /** Every model class with work left has heard its limits from the server (the ETA's pace is not a preset). */
  readonly limitsLearned: boolean;
  /** The run's Message Batch requests, counted in `fraction` but not in the (online) steps; see message-batch-work.ts. */
  readonly messageBatches?: MessageBatchWork;
}

/** The measured pace is not trusted before this much of the run was measured. */
export const MEASURE_FROM_MS = 3_000;
/** From this much measured run on, the measured pace counts fully. */
export const MEASURE_FULL_MS = 20_000;

const PER_MINUTE: Readonly<Record<Dimension, keyof Limits>> = {
  requests: 'requestsPerMinute',
  inputTokens: 'inputTokensPerMinute',
  outputTokens: 'outputTokensPerMinute',
};

function perStep(b: BatchWork, d: Dimension): number {
  if (d === 'requests') return 1;
  return b.demand?.[d] ?? 0;
}

/**
 * Minutes one step of `b` holds its class's binding limit: the weight of a step. The limits are
 * the limiter's current ones (a preset until the server reports them): a guess weighs steps
 * against each other well enough; only the ETA insists on learned limits.
 */
export function stepWeight(b: BatchWork, l: LimiterSnapshot | undefined): number {
  if (!l) return 0;
  let w = 0;
  for (const d of DIMENSIONS) {
    const limit = l.limits[PER_MINUTE[d]];
    if (limit > 0) w = Math.max(w, perStep(b, d) / limit);
  }
  return w;
}

/**
 * Minutes the learned limits of one class need for `batches`' remaining steps, and which limit
 * binds. What the server's bucket holds is not counted as a head start: the limiter paces at the
 * limit rather than spend it in one burst (a credit for it promised 40 s for a run of 100 s).
 */
function timeAtLimits(batches: readonly BatchWork[], l: LimiterSnapshot): { minutes: number; binding?: Dimension } | undefined {
  let best: { minutes: number; binding?: Dimension } | undefined;
  for (const d of DIMENSIONS) {
    // Only what the server reported counts: a tier preset promised ~4 s for a run the headers made 60 s.
    if (l.dimensions[d].remaining === undefined) continue;
    const limit = l.limits[PER_MINUTE[d]];
    if (!(limit > 0)) continue;
    const minutes = batches.reduce((n, b) => n + b.stepsLeft * perStep(b, d), 0) / limit;
    if (!best || minutes > best.minutes) best = { minutes, binding: d };
  }
  return best;
}

/**
 * The run's progress and ETA. Before the run is measured the ETA is the time its remaining steps
 * need at the limits the server reported; the measured pace (in the same weighted steps) is
 * blended in from MEASURE_FROM_MS and counts alone from MEASURE_FULL_MS. The learned limits stay a
 * floor: a limit lowered mid-run (headers, a 429) re-estimates at once, not a minute later.
 */
export function workProgress(i: ProgressInput): WorkProgress {
  const limiterOf = new Map(i.limiters.map((l) => [l.modelClass, l]));
  let done = 0;
  let left = 0;
  let weightDone = 0;
  let weightLeft = 0;
  let weightRate = 0;
  const byClass = new Map<string, BatchWork[]>();
  for (const b of i.batches) {
    done += b.stepsDone;
    left += b.stepsLeft;
    // A class without a snapshot yet weighs its steps as one request at 1 RPM: steps still count.
    const w = stepWeight(b, limiterOf.get(b.modelClass)) || 1;
    weightDone += b.stepsDone * w;
    weightLeft += b.stepsLeft * w;
    weightRate += b.stepsPerMinute * w;
    if (b.stepsLeft > 0) {
      const list = byClass.get(b.modelClass);
      if (list) list.push(b);
      else byClass.set(b.modelClass, [b]);
    }
  }
  const totalWeight = weightDone + weightLeft;
  const fraction = totalWeight > 0 ? weightDone / totalWeight : left === 0 ? 1 : 0;
  // A range of turns makes the steps of conversations not started an expectation: shown whole.
  const base = { stepsDone: done, stepsTotal: Math.round(done + left), fraction };
  if (left === 0) return { ...base, etaMs: 0, limitsLearned: true };

  let limits: { minutes: number; binding?: Dimension; perMinute?: number } | undefined;
  let learned = true;
  for (const [modelClass, batches] of byClass) {
    const l = limiterOf.get(modelClass);
    const t = l && timeAtLimits(batches, l);
    if (!t) {
      learned = false;
      continue;
    }
    if (!limits || t.minutes > limits.minutes) limits = { ...t, perMinute: l.limits[PER_MINUTE[t.binding!]] };
  }
  // The least the remaining work can take: its steps at the learned limits, and its longest chain
  // at the measured step time (at generous limits a turns file is as slow as its conversations).
  const longest = i.batches.reduce((n, b) => Math.max(n, b.chainLeft), 0);
  const chain = i.stepMs !== undefined ? (longest * i.stepMs) / 60_000 : undefined;
  const floor = limits || chain !== undefined ? Math.max(limits?.minutes ?? 0, chain ?? 0) : undefined;
  const measured = i.measuredMs >= MEASURE_FROM_MS && weightRate > 0 ? weightLeft / weightRate : undefined;
  const trust = Math.min(1, Math.max(0, (i.measuredMs - MEASURE_FROM_MS) / (MEASURE_FULL_MS - MEASURE_FROM_MS)));
  let minutes: number | undefined;
  let basis: EtaBasis | undefined;
  if (floor !== undefined && floor > 0 && measured !== undefined) {
    // Blended as paces (work a minute), not as times: a slow start must not dominate the mean.
    minutes = Math.max(1 / (trust / measured + (1 - trust) / floor), floor);
    basis = limits ? 'both' : 'measured';
  } else if (measured !== undefined) {
    minutes = Math.max(measured, floor ?? 0);
    basis = limits ? 'both' : 'measured';
  } else if (floor !== undefined && limits) {
    minutes = floor;
    basis = 'limits';
  }
  const binding = limits?.binding ? { binding: limits.binding, bindingPerMinute: limits.perMinute! } : {};
  if (minutes === undefined) return { ...base, ...binding, limitsLearned: learned && limits !== undefined };
  return {
    ...base,
    etaMs: Math.round(minutes * 60_000 + Math.max(0, i.pausedForMs ?? 0)),
    basis: basis!,
    ...binding,
    limitsLearned: learned && limits !== undefined,
  };
}
