import type { PanelState } from '../../src/protocol/messages';

/** Whole seconds left in an automatic pause, on the host's clock; null when there is none. */
export function pauseSecondsLeft(panel: PanelState, clockOffsetMs: number, localNow: number): number | null {
  if (panel.pausedUntil === null) return null;
  const hostNow = localNow + clockOffsetMs;
  return Math.max(0, Math.ceil((panel.pausedUntil - hostNow) / 1000));
}

export function countdownText(secondsLeft: number): string {
  // The same words as the status bar's "resumes in 12 s".
  return secondsLeft > 0 ? `Resumes in ${secondsLeft} s` : 'Resuming…';
}

/** Milliseconds until the shown second changes, so the display flips on time rather than up
 *  to a second late; a plain 1 s beat when no pause is running. */
export function msUntilNextTick(panel: PanelState | null, clockOffsetMs: number, localNow: number): number {
  if (panel?.pausedUntil == null) return 1000;
  const remaining = panel.pausedUntil - (localNow + clockOffsetMs);
  if (remaining <= 0) return 1000;
  return (remaining % 1000 || 1000) + 5;
}
