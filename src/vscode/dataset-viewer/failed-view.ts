// What the viewer's failed-validation filter reads: the failures file beside the dataset. No vscode
// import (the session that uses it is tested without VS Code).
import { basename } from 'node:path';
import { failuresFileOf, listFailed, type FailedList } from '../../core/dataset/viewer/failed-list';
import type { ViewerFailures, ViewerQuery } from '../../protocol';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The filter's count, or why it has nothing to show. Rejects only when `signal` aborts. */
export async function failuresOf(dataset: string, signal: AbortSignal): Promise<ViewerFailures> {
  const source = failuresFileOf(dataset);
  if ('unavailable' in source) return { count: 0, unavailable: source.unavailable };
  try {
    const list = await listFailed(source.file, {}, signal);
    return list.lines.length > 0
      ? { count: list.lines.length }
      : { count: 0, unavailable: `no conversation failed validation (${basename(source.file)} lists other failures only)` };
  } catch (e) {
    signal.throwIfAborted();
    return { count: 0, unavailable: `cannot read ${basename(source.file)}: ${errorText(e)}` };
  }
}

/** The failures that match `query`; none (not an error) when there is no failures file. */
export async function scanFailures(dataset: string, query: ViewerQuery, signal: AbortSignal): Promise<FailedList> {
  const source = failuresFileOf(dataset);
  if ('unavailable' in source) return { file: '', lines: [], offsets: [], lengths: [], unreadable: [] };
  return listFailed(source.file, query, signal);
}

/** Says which lines of the failures file were not shown, and why, instead of skipping them silently. */
export function unreadableNotice(list: FailedList): string {
  const shown = list.unreadable.slice(0, 5).join(', ');
  const more = list.unreadable.length > 5 ? ` and ${list.unreadable.length - 5} more` : '';
  return `${basename(list.file)}: line ${shown}${more} is not a failure record (was the file edited?) and is not shown.`;
}
