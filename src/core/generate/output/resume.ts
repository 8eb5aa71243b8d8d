import type { ConversationSpec } from '../types';
import type { DatasetWriter } from './types';

export interface ResumePlan {
  todo: ConversationSpec[];
  skippedDone: number;
  skippedFailed: number;
}

/**
 * What is left to generate: specs already committed are skipped; specs whose latest outcome was a
 * failure are skipped too unless `retryFailed`, so re-running a command never repeats paid work by
 * accident. Order of `specs` is kept.
 */
export function planResume(
  specs: readonly ConversationSpec[],
  writer: Pick<DatasetWriter, 'doneIds' | 'failed'>,
  options: { retryFailed: boolean },
): ResumePlan {
  const done = writer.doneIds();
  const failed = writer.failed();
  const todo: ConversationSpec[] = [];
  let skippedDone = 0;
  let skippedFailed = 0;
  for (const spec of specs) {
    if (done.has(spec.id)) skippedDone++;
    else if (failed.has(spec.id) && !options.retryFailed) skippedFailed++;
    else todo.push(spec);
  }
  return { todo, skippedDone, skippedFailed };
}
