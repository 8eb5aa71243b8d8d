import { messageBatchJournalPath, readMessageBatchJournal } from './message-batch-journal';

/**
 * Message Batches of `file` (a prompt file's batch name) that an earlier run left at Anthropic: still
 * processing, not yet collected, or a create whose outcome is unknown. Read without taking the sidecar.
 */
export function pendingMessageBatches(datasetPath: string, file: string): number {
  const state = readMessageBatchJournal(messageBatchJournalPath(datasetPath));
  return state ? state.open(file).length + state.unresolved(file).length : 0;
}
