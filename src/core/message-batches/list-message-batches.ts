import type { MessageBatchApi, RemoteMessageBatch } from '../api/message-batch-api';
import { classify } from '../errors';
import type { JournalState } from './journal-state';
import type { MessageBatchSnapshot } from './snapshot';

export interface ListedMessageBatch extends MessageBatchSnapshot {
  /** Every result was collected into the dataset (nothing more to fetch). */
  readonly collected: boolean;
  /** Why the live status could not be read (the journal's view is shown instead). */
  readonly problem?: string;
}

/**
 * A prompt file's Message Batches as `convforge batches` shows them: every batch its sidecar knows,
 * newest first, with the live status of those not yet collected (one retrieve each). `sourceFile`:
 * the prompt file's absolute path (MessageBatchSnapshot.file).
 */
export async function listMessageBatches(
  state: JournalState,
  file: string,
  sourceFile: string,
  api: MessageBatchApi,
  signal?: AbortSignal,
): Promise<ListedMessageBatch[]> {
  const out: ListedMessageBatch[] = [];
  for (const intent of state.unresolved(file)) {
    out.push({
      file: sourceFile,
      status: 'submitting',
      requests: intent.requests.length,
      written: 0,
      submittedAt: intent.at,
      collected: false,
    });
  }
  const batches = [...state.batches.values()].filter((b) => state.fileOf(b) === file).sort((a, b) => b.createdAt - a.createdAt);
  for (const b of batches) {
    let remote: RemoteMessageBatch | undefined;
    let problem: string | undefined;
    if (!b.settled) {
      try {
        remote = await api.retrieve(b.id, signal);
      } catch (e) {
        problem = classify(e).message;
      }
    }
    const counts = remote?.counts ?? b.counts;
    out.push({
      id: b.id,
      file: sourceFile,
      status: b.settled ? 'ended' : (remote?.status ?? 'in_progress'),
      requests: state.requestsOf(b).length,
      ...(counts ? { counts } : {}),
      written: 0,
      submittedAt: b.createdAt,
      expiresAt: b.expiresAt,
      collected: b.settled,
      ...(problem ? { problem } : {}),
    });
  }
  return out;
}
