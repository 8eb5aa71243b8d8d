// Which pace state holds and why, in one sentence: the one decision the header, the status bar
// and its colour all read. Pure; the seeds' utilization levels stay in the gauges.
import { perMinute } from '../../protocol/time-format';
import { MESSAGE_BATCH_TIME } from '../../protocol/work-text';
import {
  LIMIT_DIMENSIONS,
  type Cost,
  type HeldBackBy,
  type LimitDimension,
  type LimitGauge,
  type Pace,
  type PauseReason,
  type Progress,
  type SelfThrottle,
} from '../../protocol/messages';
import type { ControllerPhase } from '../run/run-controller-types';

/** Nothing sent for this long while work waits is worth a sentence (a pause between two paced
 *  requests is far shorter at any rate a person would run). */
export const STALL_MS = 5_000;
/** A budget this far spent is "approaching" it. */
export const BUDGET_APPROACHING_AT = 0.8;

export interface PaceInput {
  readonly phase: ControllerPhase;
  readonly pauseReason: PauseReason | null;
  readonly limits: Readonly<Record<LimitDimension, LimitGauge>>;
  readonly progress: Progress;
  readonly cost: Cost;
  /** 429s received by this run so far. */
  readonly rateLimited: number;
  /** How long nothing new was sent while work was queued (0 when sending). */
  readonly stalledMs: number;
  /** The newest retry's error message, while requests wait to retry. */
  readonly retryError?: string;
  /** Why the run stopped, when it did. */
  readonly stopMessage?: string;
  /** Since when the endpoint has not answered, during an outage (epoch ms). */
  readonly outageSince?: number;
  /** Forge holding a model class below its limits on its own account (the lowest share). */
  readonly selfThrottle?: SelfThrottle;
  /** Set while the shared limits store is out of reach: the sentence saying the run waits, and why. */
  readonly sharingDown?: string;
  /** The run's Message Batches still submitting or at the API, and the requests they hold. */
  readonly messageBatchesWaiting?: { readonly batches: number; readonly requests: number };
}

export interface PaceVerdict {
  readonly pace: Pace;
  /** Set exactly when `pace` is `heldBack`. */
  readonly heldBackBy?: HeldBackBy;
  readonly text: string;
}

const LIMIT_NAME: Record<LimitDimension, string> = {
  requests: 'requests',
  inputTokens: 'input tokens',
  outputTokens: 'output tokens',
};

function binding(limits: PaceInput['limits']): LimitDimension {
  return LIMIT_DIMENSIONS.reduce((best, d) => (limits[d].utilization > limits[best].utilization ? d : best), 'requests' as LimitDimension);
}

/** Local wall-clock time, e.g. 12:03:10. */
const clockTime = (ms: number) => new Date(ms).toTimeString().slice(0, 8);
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const plural = (n: number, one: string) => `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;

export function paceOf(i: PaceInput): PaceVerdict {
  switch (i.phase) {
    case 'idle':
    case 'ready':
      return { pace: 'idle', text: 'No run in progress.' };
    case 'starting':
      return { pace: 'starting', text: 'Starting: opening the datasets.' };
    case 'finished': {
      const { total, succeeded, failed, skipped } = i.progress;
      const failures = failed > 0 ? `, ${plural(failed, 'failure')}` : '';
      return {
        pace: 'finished',
        text: `Finished: ${(succeeded + failed + skipped).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} done${failures}.`,
      };
    }
    case 'cancelled':
      return { pace: 'stopped', text: 'Cancelled by you.' };
    case 'stopped':
      return { pace: 'stopped', text: i.stopMessage ? `Stopped: ${i.stopMessage}.` : 'Stopped.' };
    case 'paused':
      return { pace: 'paused', text: 'Paused by you: nothing new is sent until you resume.' };
    case 'running':
      break;
  }
  if (i.pauseReason === 'rateLimited') {
    return {
      pace: 'heldBack',
      heldBackBy: 'rateLimit',
      text: 'Held back by the API: a 429 (rate limit) pause; sending resumes when it ends.',
    };
  }
  if (i.pauseReason === 'outage') {
    const since = i.outageSince !== undefined ? ` since ${clockTime(i.outageSince)}` : '';
    return {
      pace: 'heldBack',
      heldBackBy: 'outage',
      text: `Held back: the API cannot be reached${since}; one request probes it and sending resumes by itself when it answers.`,
    };
  }
  if (i.pauseReason === 'overloaded') {
    return { pace: 'heldBack', heldBackBy: 'outage', text: 'Held back by the API: it is overloaded; sending resumes when the pause ends.' };
  }
  // Nothing is admitted unmetered while the shared budget cannot be checked.
  if (i.sharingDown !== undefined) return { pace: 'heldBack', heldBackBy: 'outage', text: i.sharingDown };
  const { active, retrying, queued } = i.progress;
  if (active === 0 && retrying > 0) {
    const why = i.retryError ? ` (${i.retryError})` : '';
    return {
      pace: 'heldBack',
      heldBackBy: 'outage',
      text: `Held back by the API: ${plural(retrying, 'request')} wait to retry after errors${why}, none in flight.`,
    };
  }
  if (i.stalledMs >= STALL_MS && queued > 0 && active === 0 && i.rateLimited > 0) {
    return {
      pace: 'heldBack',
      heldBackBy: 'throttle',
      text: `Held back: nothing sent for ${seconds(i.stalledMs)}; the pace was cut after ${plural(i.rateLimited, '429')} and is recovering.`,
    };
  }
  const mb = i.messageBatchesWaiting;
  if (mb && mb.batches > 0 && active === 0 && retrying === 0 && queued === 0) {
    return {
      pace: 'atApi',
      text: `At the API: ${mb.batches === 1 ? '1 Message Batch' : `${mb.batches.toLocaleString('en-US')} Message Batches`} with ${plural(mb.requests, 'request')} processing; ${MESSAGE_BATCH_TIME}.`,
    };
  }
  const { spent, estimate, budget } = i.cost;
  if (budget !== undefined && (spent >= budget * BUDGET_APPROACHING_AT || (estimate !== null && estimate > budget))) {
    const pct = Math.round((spent / budget) * 100);
    return {
      pace: 'approaching',
      text: `Approaching your budget: ${pct}% of $${budget.toFixed(2)} spent${estimate !== null && estimate > budget ? `, the run is estimated at $${estimate.toFixed(2)}` : ''}.`,
    };
  }
  const d = binding(i.limits);
  const g = i.limits[d];
  const of = g.limit === null ? '' : ` (${perMinute(g.limit)})`;
  if (i.stalledMs >= STALL_MS && queued > 0 && active === 0) {
    return { pace: 'atLimit', text: `Waiting for the ${LIMIT_NAME[d]} limit${of}: nothing sent for ${seconds(i.stalledMs)}.` };
  }
  // Holding back on its own account is not "at the limit": say how far below it, and why.
  if (i.selfThrottle?.reason === 'learning')
    return { pace: 'underLimit', text: 'Learning your limits: one request out until the API reports them.' };
  if (i.selfThrottle) {
    const held = Math.round(i.selfThrottle.share * 100);
    return {
      pace: 'underLimit',
      text: `Held at ${held}% of the limit after a 429 its headers did not explain; back to full as answers come in.`,
    };
  }
  if (g.health === 'throttled') {
    return { pace: 'atLimit', text: `Full speed: pacing at the ${LIMIT_NAME[d]} limit${of}, as intended.` };
  }
  return {
    pace: 'underLimit',
    text: `Running below the limits: ${Math.round(g.utilization * 100)}% of the ${LIMIT_NAME[d]} limit in use.`,
  };
}
