import type { ReportWebviewMessage, ViewerQuery, ViewerWebviewMessage } from '../../../src/protocol/viewer-messages';

/** What the viewer keeps across a reload of its webview (getState/setState). */
export interface ViewerSavedState {
  query: ViewerQuery;
  start: number;
}

/** What the report keeps, so VS Code can restore it after a window reload (its serializer reads it). */
export interface ReportSavedState {
  datasets: string[];
}

export interface TypedApi<M, S> {
  postMessage(message: M): void;
  getState(): unknown;
  setState(state: S): void;
}

declare function acquireVsCodeApi(): unknown;

// acquireVsCodeApi may be called only once per page load.
let api: unknown;

export function viewerApi(): TypedApi<ViewerWebviewMessage, ViewerSavedState> {
  api ??= acquireVsCodeApi();
  return api as TypedApi<ViewerWebviewMessage, ViewerSavedState>;
}

export function reportApi(): TypedApi<ReportWebviewMessage, ReportSavedState> {
  api ??= acquireVsCodeApi();
  return api as TypedApi<ReportWebviewMessage, ReportSavedState>;
}

export function restoreSaved(raw: unknown): ViewerSavedState {
  const r = raw as Partial<ViewerSavedState> | undefined;
  const start = typeof r?.start === 'number' && Number.isSafeInteger(r.start) && r.start >= 0 ? r.start : 1;
  const query = typeof r?.query === 'object' && r.query !== null ? r.query : {};
  return { query, start };
}
