/**
 * After a 429 that the headers do not explain (the limits and the remaining counts they report
 * leave room, so something unseen tripped it), the local rate runs at `factor` of the limit and
 * the bucket holds `burst` of its usual size. What the per-minute headers cannot show is mostly
 * the server's short interval: requests admitted evenly can arrive bunched (a busy event loop, a
 * slow connection), and a full bucket spent at once on top of them trips it. So the burst is cut
 * hardest and the rate a little. Successes prove room again: each request admitted after the
 * pause and completed lifts both a step, so they are back to full after about `recoveryMs` of
 * successes at the throttled rate (seconds, not a fixed minute). A further unexplained 429 cuts
 * them again.
 */
export interface Throttle {
  factor: number;
  burst: number;
  /** Added to `factor` by each success of a request admitted at or after `from`. */
  step: number;
  burstStep: number;
  /** Epoch ms: the end of the 429's pause; requests admitted earlier prove nothing. */
  from: number;
}

export function factorAt(t: Throttle | undefined): number {
  return t ? t.factor : 1;
}

export function burstAt(t: Throttle | undefined): number {
  return t ? t.burst : 1;
}

/** Each unexplained 429 halves the burst, down to this share of the bucket. */
export const BURST_SHRINK = 0.5;
export const MIN_BURST = 0.2;

/**
 * Each unexplained 429 cuts the current factor by `shrink`, down to `minFactor`. `perMinute` is the
 * request limit: the step is sized so that the successes of `recoveryMs` at the throttled rate
 * (at least a handful) bring the factor back to 1.
 */
export function tighten(
  t: Throttle | undefined,
  pauseEnd: number,
  perMinute: number,
  opts: { readonly shrink: number; readonly minFactor: number; readonly recoveryMs: number },
): Throttle | undefined {
  const factor = Math.max(opts.minFactor, factorAt(t) * opts.shrink);
  const burst = Math.max(MIN_BURST, burstAt(t) * BURST_SHRINK);
  const proofs = Math.max(MIN_PROOFS, Math.ceil(((perMinute * factor) / 60_000) * opts.recoveryMs));
  return { factor, burst, step: (1 - factor) / proofs, burstStep: (1 - burst) / proofs, from: pauseEnd };
}

/** Fewest successes that lift a throttle, however low the limit. */
export const MIN_PROOFS = 4;

/** A success of a request admitted at `issuedAt`: the throttle eases, and is gone once back at 1. */
export function relax(t: Throttle | undefined, issuedAt: number): Throttle | undefined {
  if (!t || issuedAt < t.from) return t;
  const factor = Math.min(1, t.factor + t.step);
  const burst = Math.min(1, t.burst + t.burstStep);
  return factor >= 1 - 1e-9 && burst >= 1 - 1e-9 ? undefined : { ...t, factor, burst };
}
