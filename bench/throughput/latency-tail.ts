/**
 * How much later than the mean latency the last answers of a run finish, when each answer's
 * latency is the mean plus a uniform jitter of `jitterMs` and the last requests went out `1 / rate`
 * seconds apart. The run ends with the latest of them, not with the last one sent:
 *
 *   E[max_i (U_i − i / rate)] − jitter / 2,   U_i uniform on [0, jitter], i = 0, 1, … back from the last request
 *
 * A perfect client pays this too (its requests are paced the same way and no client can pick which
 * answer is slow), while the ideal counts the mean latency for the last answer: so this is a part of
 * every client's shortfall that no engine change can remove. Numerical, in seconds.
 */
export function latencyTailSeconds(ratePerSecond: number, jitterMs: number): number {
  const jitter = jitterMs / 1000;
  if (jitter <= 0 || ratePerSecond <= 0) return 0;
  const gap = 1 / ratePerSecond;
  const terms = Math.ceil(jitter / gap) + 1;
  const STEPS = 2000;
  // E[M] for M in [0, jitter] = ∫₀^jitter P(M > x) dx, P(M ≤ x) = Π_i min(1, (x + i·gap) / jitter)
  let expected = 0;
  for (let k = 0; k < STEPS; k++) {
    const x = ((k + 0.5) / STEPS) * jitter;
    let below = 1;
    for (let i = 0; i < terms; i++) below *= Math.min(1, (x + i * gap) / jitter);
    expected += (1 - below) * (jitter / STEPS);
  }
  return expected - jitter / 2;
}
