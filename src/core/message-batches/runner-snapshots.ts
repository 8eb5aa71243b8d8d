import type { RemoteMessageBatch } from '../api/message-batch-api';
import type { JournalState } from './journal-state';
import type { MessageBatchSnapshot } from './snapshot';

/**
 * A prompt file's Message Batches as the run shows them: unresolved creates as `submitting`, then the
 * batches this runner has touched, with the live status and counts last seen.
 */
export function runnerSnapshots(
  state: JournalState,
  fileName: string,
  sourceFile: string,
  touched: ReadonlySet<string>,
  remote: ReadonlyMap<string, RemoteMessageBatch>,
  written: ReadonlyMap<string, number>,
): MessageBatchSnapshot[] {
  const out: MessageBatchSnapshot[] = [];
  for (const intent of state.unresolved(fileName)) {
    out.push({ file: sourceFile, status: 'submitting', requests: intent.requests.length, written: 0, submittedAt: intent.at });
  }
  for (const id of touched) {
    const b = state.batches.get(id);
    if (!b) continue;
    const live = remote.get(id);
    const counts = live?.counts ?? b.counts;
    out.push({
      id,
      file: sourceFile,
      status: b.settled ? 'ended' : (live?.status ?? 'in_progress'),
      requests: state.requestsOf(b).length,
      ...(counts ? { counts } : {}),
      written: written.get(id) ?? 0,
      submittedAt: b.createdAt,
      expiresAt: b.expiresAt,
    });
  }
  return out;
}
