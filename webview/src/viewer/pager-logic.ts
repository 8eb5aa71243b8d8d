// Page arithmetic of the viewer, pure (unit-tested without a browser).
import { VIEWER_PAGE_SIZE } from '../../../src/protocol/viewer-messages';

export interface PagePosition {
  start: number;
  filtered: boolean;
  /** -1: not known yet (still indexing). */
  total: number;
  /** Lines sought by estimate while counting: numbered from `start`, not counted. */
  approximate?: boolean;
}

/** The first position: line 1 unfiltered, match 0 filtered. */
export const firstStart = (filtered: boolean): number => (filtered ? 0 : 1);

export function lastStart(p: PagePosition): number | undefined {
  if (p.total < 0) return undefined;
  const base = firstStart(p.filtered);
  if (p.total === 0) return base;
  return base + Math.floor((p.total - 1) / VIEWER_PAGE_SIZE) * VIEWER_PAGE_SIZE;
}

export function nextStart(p: PagePosition): number | undefined {
  const next = p.start + VIEWER_PAGE_SIZE;
  const last = lastStart(p);
  return last === undefined || next <= last ? next : undefined;
}

export function prevStart(p: PagePosition): number | undefined {
  const base = firstStart(p.filtered);
  return p.start > base ? Math.max(base, p.start - VIEWER_PAGE_SIZE) : undefined;
}

export function rangeText(p: PagePosition, indexedLines: number): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  if (p.filtered) {
    if (p.total === 0) return 'No matches';
    const end = Math.min(p.total, p.start + VIEWER_PAGE_SIZE);
    return `Matches ${fmt(p.start + 1)}–${fmt(end)} of ${fmt(p.total)}`;
  }
  if (p.total === 0) return 'Empty file';
  const end = p.start + VIEWER_PAGE_SIZE - 1;
  if (p.approximate) return `Lines ≈${fmt(p.start)}–${fmt(end)} (counting lines: ${fmt(indexedLines)} so far)`;
  if (p.total < 0) return `Lines ${fmt(p.start)}–${fmt(end)} of ${fmt(indexedLines)}+ (counting…)`;
  return `Lines ${fmt(p.start)}–${fmt(Math.min(end, p.total))} of ${fmt(p.total)}`;
}
