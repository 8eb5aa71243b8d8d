import type { MessageBatchCounts, MessageBatchStatus } from '../api/message-batch-api';

/**
 * A Message Batch as the run shows it (CLI progress, status-bar tooltip, queue panel), next to the
 * online queue. `submitting` is the journaled intent before `create` answered.
 */
export interface MessageBatchSnapshot {
  /** Absent while submitting. */
  readonly id?: string;
  /**
   * The absolute path of the prompt file whose conversations it holds, as BatchProgress.sourceFile:
   * the engine knows no workspace, so each front end shows it relative (the CLI to the working
   * directory, VS Code to the workspace folder).
   */
  readonly file: string;
  readonly status: 'submitting' | MessageBatchStatus;
  readonly requests: number;
  /** Filled once the batch has ended (the API gives no partial counts); written results so far otherwise. */
  readonly counts?: MessageBatchCounts;
  readonly written: number;
  /** Epoch ms. */
  readonly submittedAt: number;
  readonly expiresAt?: number;
}
