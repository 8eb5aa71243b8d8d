import type { Health } from '../../src/protocol/messages';

const counts = new Intl.NumberFormat('en-US');
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export function formatCount(n: number): string {
  return counts.format(n);
}

export function formatMoney(n: number): string {
  return money.format(n);
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${m % 60}m`;
}

export function formatClock(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString('en-GB', { hour12: false });
}

/** The seed UI's wording for each health state. */
export const HEALTH_LABEL: Record<Health, string> = {
  healthy: 'Healthy',
  approaching: 'Busy',
  throttled: 'Throttled - Pausing…',
};
