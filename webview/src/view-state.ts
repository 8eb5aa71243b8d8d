// The single state value the panel renders from, and its persistence through
// vscode.getState/setState so a hidden or reloaded panel redraws before the host answers.
import type { JobFilter, JobsPage, PanelState } from '../../src/protocol/messages';
import { isJobsPage, isPanelState } from '../../src/protocol/state-guards';

export const PAGE_SIZE = 50;

export interface JobQuery {
  offset: number;
  limit: number;
  filter: JobFilter;
}

export interface ViewState {
  panel: PanelState | null;
  jobs: JobsPage | null;
  query: JobQuery;
  /** Host clock minus local clock at the last snapshot; corrects the pause countdown when the
   *  extension host runs on another machine (remote/SSH) with a different clock. */
  clockOffsetMs: number;
}

export function initialViewState(): ViewState {
  return { panel: null, jobs: null, query: { offset: 0, limit: PAGE_SIZE, filter: {} }, clockOffsetMs: 0 };
}

function isJobQuery(x: unknown): x is JobQuery {
  if (typeof x !== 'object' || x === null) return false;
  const q = x as Record<string, unknown>;
  return Number.isSafeInteger(q.offset) && Number.isSafeInteger(q.limit) && typeof q.filter === 'object' && q.filter !== null;
}

/** Saved state is re-validated: it may come from an older build of the panel. */
export function restoreViewState(saved: unknown): ViewState {
  const fresh = initialViewState();
  if (typeof saved !== 'object' || saved === null) return fresh;
  const s = saved as Record<string, unknown>;
  return {
    panel: isPanelState(s.panel) ? s.panel : null,
    jobs: isJobsPage(s.jobs) ? s.jobs : null,
    query: isJobQuery(s.query) ? s.query : fresh.query,
    clockOffsetMs: typeof s.clockOffsetMs === 'number' && Number.isFinite(s.clockOffsetMs) ? s.clockOffsetMs : 0,
  };
}

export function sameFilter(a: JobFilter, b: JobFilter): boolean {
  return a.state === b.state && a.batchId === b.batchId;
}

/** A page answers the current query only if it echoes it; older answers are dropped. */
export function pageMatches(page: JobsPage, query: JobQuery): boolean {
  return page.offset === query.offset && page.limit === query.limit && sameFilter(page.filter, query.filter);
}
