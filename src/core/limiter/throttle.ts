/**
 * After a 429 the local model of the server was wrong, so the local rate is scaled down and
 * recovers linearly: `floor` until `from` (the end of the pause), back to 1 at `until`.
 */
export interface Throttle {
  floor: number;
  from: number;
  until: number;
}

export function factorAt(t: Throttle | undefined, time: number): number {
  if (!t || time >= t.until) return 1;
  if (time <= t.from) return t.floor;
  return t.floor + ((1 - t.floor) * (time - t.from)) / (t.until - t.from);
}

/** Mean of the factor over [a, b], so refill across a recovery ramp is exact. */
export function meanFactor(t: Throttle | undefined, a: number, b: number): number {
  if (b <= a) return factorAt(t, b);
  if (!t || a >= t.until) return 1;
  let area = 0;
  const flatEnd = Math.min(b, t.from);
  if (flatEnd > a) area += (flatEnd - a) * t.floor;
  const rampStart = Math.max(a, t.from);
  const rampEnd = Math.min(b, t.until);
  if (rampEnd > rampStart) area += ((rampEnd - rampStart) * (factorAt(t, rampStart) + factorAt(t, rampEnd))) / 2;
  const fullStart = Math.max(a, t.until);
  if (b > fullStart) area += b - fullStart;
  return area / (b - a);
}

/** Each 429 cuts the current factor again, down to `minFactor`; recovery restarts after the pause. */
export function tighten(
  t: Throttle | undefined,
  now: number,
  pauseEnd: number,
  recoveryMs: number,
  shrink: number,
  minFactor: number,
): Throttle | undefined {
  if (shrink >= 1) return t;
  const floor = Math.max(minFactor, factorAt(t, now) * shrink);
  return { floor, from: pauseEnd, until: pauseEnd + recoveryMs };
}
