// How every figure of time and rate is written, for the status bar, the tooltip and the panel
// alike (one formatter, so two places never write the same figure two ways).

/** Shown where a time cannot be known yet (no measured pace, no learned limit). */
export const NOT_KNOWN_YET = 'not known yet';

/** "~45 s", "~2 min 50 s", "~1 h 5 min": rounded to what a person can use. */
export function approxDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `~${s} s`;
  if (s < 600) {
    // Under ten minutes the seconds still matter, to the nearest ten.
    const tens = Math.round(s / 10) * 10;
    const m = Math.floor(tens / 60);
    const rest = tens % 60;
    return rest === 0 ? `~${m} min` : `~${m} min ${rest} s`;
  }
  const m = Math.round(s / 60);
  if (m < 60) return `~${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `~${h} h` : `~${h} h ${m % 60} min`;
}

/** Time left, or `not known yet` when there is no figure. */
export function timeLeftText(seconds: number | null): string {
  return seconds === null ? NOT_KNOWN_YET : approxDuration(seconds);
}

/** "58/min", "1,200/min", "0.5/min": whole numbers from 10 up, one decimal below. */
export function perMinute(n: number): string {
  const v = Number.isFinite(n) && n > 0 ? n : 0;
  const shown = v >= 10 || v === 0 ? Math.round(v) : Math.round(v * 10) / 10;
  return `${shown.toLocaleString('en-US')}/min`;
}

/** Whole seconds, for a countdown ("12 s"). */
export function secondsText(seconds: number): string {
  return `${Math.max(0, Math.ceil(seconds))} s`;
}
