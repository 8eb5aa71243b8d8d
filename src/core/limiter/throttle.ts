/**
 * After a 429 that the headers do not explain (the limits and the remaining counts they report
 * leave room, so something unseen — the server's short interval, another client — tripped it),
 * the local rate runs at `factor` of the limit. Successes prove room again: each request admitted
 * after the pause and completed lifts the factor by `step`, so the full rate is back after about
 * `recoveryMs` of successes at the throttled rate (seconds, not a fixed minute). A further
 * unexplained 429 cuts it again.
 */
export interface Throttle {
  factor: number;
  /** Added to `factor` by each success of a request admitted at or after `from`. */
  step: number;
  /** Epoch ms: the end of the 429's pause; requests admitted earlier prove nothing. */
  from: number;
}

export function factorAt(t: Throttle | undefined): number {
  return t ? t.factor : 1;
}

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
  if (opts.shrink >= 1) return t;
  const factor = Math.max(opts.minFactor, factorAt(t) * opts.shrink);
  const proofs = Math.max(MIN_PROOFS, Math.ceil(((perMinute * factor) / 60_000) * opts.recoveryMs));
  return { factor, step: (1 - factor) / proofs, from: pauseEnd };
}

/** Fewest successes that lift a throttle, however low the limit. */
export const MIN_PROOFS = 4;

/** A success of a request admitted at `issuedAt`: the throttle eases, and is gone once back at 1. */
export function relax(t: Throttle | undefined, issuedAt: number): Throttle | undefined {
  if (!t || issuedAt < t.from) return t;
  const factor = t.factor + t.step;
  return factor >= 1 - 1e-9 ? undefined : { ...t, factor };
}
