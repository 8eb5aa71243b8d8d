import type { WebviewMessage } from '../../src/protocol/messages';
import type { JobQuery, ViewState } from './view-state';

/** What a section may do: talk to the host, or change the job query (which is view state). */
export interface Actions {
  post(message: WebviewMessage): void;
  setQuery(query: JobQuery): void;
}

export interface View {
  element: HTMLElement;
  update(state: ViewState): void;
}

/** Skips a section's DOM work when its slice of the state is unchanged (snapshots are new objects). */
export function changed(memo: { key?: string }, slice: unknown): boolean {
  const key = JSON.stringify(slice);
  if (key === memo.key) return false;
  memo.key = key;
  return true;
}
