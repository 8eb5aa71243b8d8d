/**
 * Whether a run may start without asking: nothing stands between a typo (`count: 100000` on Opus)
 * and a large bill unless the estimate is checked before the first request. Both front ends ask
 * this one function and differ only in how they ask the person.
 */
export const DEFAULT_CONFIRM_ABOVE_USD = 10;
/** Without a budget, a run stops once its spend passes the estimate by this fraction. */
export const DEFAULT_OVERRUN_FRACTION = 0.5;

export type SpendGate =
  | { kind: 'go' }
  /** Ask the person; `message` states the estimate and what binds the run's time. */
  | { kind: 'ask'; message: string }
  /** Nobody can be asked (no terminal) and nothing said yes. */
  | { kind: 'refuse'; message: string };

export interface SpendGateInput {
  estimateUsd: number;
  /** The most the run may spend when the user gave a budget. */
  budgetUsd?: number;
  confirmAboveUsd?: number;
  /** The user already said yes (`--yes`). */
  confirmed: boolean;
  /** Someone can answer a question. */
  interactive: boolean;
  /** E.g. "~6.7 h, bound by output tokens (400k OTPM)". */
  timeText: string;
}

export function spendGate(input: SpendGateInput): SpendGate {
  const threshold = input.confirmAboveUsd ?? DEFAULT_CONFIRM_ABOVE_USD;
  if (!(Number.isFinite(threshold) && threshold > 0)) {
    throw new TypeError(`Expected \`confirmAboveUsd\` to be a number above 0, got \`${threshold}\``);
  }
  // A budget caps the spend, so a run whose budget is under the threshold cannot surprise anyone.
  const atMost = Math.min(input.estimateUsd, input.budgetUsd ?? Infinity);
  if (input.confirmed || atMost <= threshold) return { kind: 'go' };
  const cost = `~$${input.estimateUsd.toFixed(2)}`;
  const budget = input.budgetUsd !== undefined ? ` (budget $${input.budgetUsd.toFixed(2)})` : '';
  const message = `This run is estimated at ${cost}${budget}, ${input.timeText}: above the $${threshold.toFixed(2)} confirmation threshold.`;
  return input.interactive ? { kind: 'ask', message } : { kind: 'refuse', message };
}
