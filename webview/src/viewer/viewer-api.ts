import type { ReportWebviewMessage, ViewerQuery, ViewerWebviewMessage } from '../../../src/protocol/viewer-messages';

/** What the viewer keeps across a reload of its webview (getState/setState). */
export interface ViewerSavedState {
  query: ViewerQuery;
  start: number;
}

export interface TypedApi<M> {
  postMessage(message: M): void;
  getState(): unknown;
  setState(state: ViewerSavedState): void;
}

declare function acquireVsCodeApi(): TypedApi<never>;

// acquireVsCodeApi may be called only once per page load.
let api: unknown;

export function viewerApi(): TypedApi<ViewerWebviewMessage> {
  api ??= acquireVsCodeApi();
  return api as TypedApi<ViewerWebviewMessage>;
}

export function reportApi(): TypedApi<ReportWebviewMessage> {
  api ??= acquireVsCodeApi();
  return api as TypedApi<ReportWebviewMessage>;
}

export function restoreSaved(raw: unknown): ViewerSavedState {
  const r = raw as Partial<ViewerSavedState> | undefined;
  const start = typeof r?.start === 'number' && Number.isSafeInteger(r.start) && r.start >= 0 ? r.start : 1;
  const query = typeof r?.query === 'object' && r.query !== null ? r.query : {};
  return { query, start };
}
