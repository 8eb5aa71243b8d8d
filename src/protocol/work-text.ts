// How the run's work and its estimate's error are written, for the CLI, the status bar tooltip
// and the panel alike: the same figures in the same words everywhere.
import type { EstimateCheckView, LimitDimension, WorkView } from './messages';
import { timeLeftText } from './time-format';

const LIMIT_UNIT: Record<LimitDimension, string> = {
  requests: 'requests/min',
  inputTokens: 'input tokens/min',
  outputTokens: 'output tokens/min',
};

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** How long Message Batches take, as Anthropic states it. */
export const MESSAGE_BATCH_TIME = 'usually within an hour, 24 h at most';

/**
 * "140 of 340 requests · 41 % of the work" (the share weighs each request by the binding limit);
 * with Message Batches "0 of 24 requests in Message Batches · 0 % of the work", or both parts.
 */
export function workText(w: WorkView): string {
  const share = `${Math.floor(w.fraction * 100)} % of the work`;
  const mb = w.messageBatches;
  if (!mb) return `${count(w.stepsDone)} of ${count(w.stepsTotal)} requests · ${share}`;
  const batched = `${count(mb.done)} of ${count(mb.requests)} requests in Message Batches`;
  if (w.stepsTotal === 0) return `${batched} · ${share}`;
  return `${count(w.stepsDone)} of ${count(w.stepsTotal)} requests online, ${batched} · ${share}`;
}

/** The time left as a person reads it: Message Batches still at the API make it unknowable. */
export function timeLeftOf(etaSeconds: number | null, w: WorkView | undefined): string {
  return w?.messageBatches?.waiting ? '≤ 24 h (usually < 1 h)' : timeLeftText(etaSeconds);
}

/** What the ETA goes by: "at the 120 requests/min the API reported", "at the measured pace", … */
export function etaBasisText(w: WorkView): string {
  if (w.messageBatches?.waiting) return `Message Batches at the API: ${MESSAGE_BATCH_TIME}`;
  const limit = w.binding !== null && w.bindingPerMinute !== null ? `${count(w.bindingPerMinute)} ${LIMIT_UNIT[w.binding]}` : undefined;
  switch (w.etaBasis) {
    case 'limits':
      return `at the ${limit ?? 'limits'} the API reported`;
    case 'both':
      return `at the measured pace, within the ${limit ?? 'limits'} the API reported`;
    case 'measured':
      return 'at the measured pace (no limit reported yet)';
    case null:
      return 'waiting for the API to report its limits';
  }
}

/** "12 s", "1 min 24 s", "1 h 5 min": to the second under an hour, so an error in percent can be checked by eye. */
export function measuredDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const m = Math.round(s / 60);
  return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "+12 %", "−23 %", "0 %". */
export function signedPercent(p: number): string {
  const r = Math.round(p);
  return r === 0 ? '0 %' : `${r > 0 ? '+' : '−'}${Math.abs(r)} %`;
}

/**
 * The estimate against what happened, in two or three sentences:
 * "Time: estimated ~1 min 40 s, took ~2 min 10 s (−23 %)." "Cost: estimated $0.41, spent $0.39 (+5 %)."
 */
export function estimateCheckLines(c: EstimateCheckView, money: (usd: number) => string): string[] {
  const lines = [
    c.messageBatches
      ? `Time: took ${measuredDuration(c.actualSeconds)}, waiting on Message Batches (no time estimate: ${MESSAGE_BATCH_TIME}).`
      : `Time: estimated ${measuredDuration(c.estimatedSeconds)}, took ${measuredDuration(c.actualSeconds)} (estimate ${signedPercent(c.timeErrorPercent)}).`,
    `Cost: estimated ${money(c.estimatedUsd)}, spent ${money(c.actualUsd)}${c.costErrorPercent === null ? '' : ` (estimate ${signedPercent(c.costErrorPercent)})`}.`,
  ];
  if (c.etaAtFifth) {
    const e = c.etaAtFifth;
    lines.push(
      `ETA at 20 % of the work: ${measuredDuration(e.etaSeconds)}, actually ${measuredDuration(e.actualSeconds)} (${signedPercent(e.errorPercent)}).`,
    );
  }
  return lines;
}
