import type { MessageBatchResult } from '../api/message-batch-api';
import type { ModelResponse } from '../api/types';
import { classify, ForgeError, type ErrorKind } from '../errors';
import { specAt } from '../generate/prompt-file';
import { readSingleResponse } from '../generate/strategies/single';
import { readTurnResponse } from '../generate/strategies/turns';
import type { Conversation, ConversationSpec, PromptFile } from '../generate/types';
import { validateConversation } from '../generate/validate/conversation';
import { rejectedOutput, type RejectedOutput } from '../generate/validate/rejected-output';
import { addUsage, ZERO_USAGE, type Usage } from '../usage';
import type { IntentRequest } from './journal-entries';
import type { MessageBatchJournal } from './message-batch-journal';
import type { JournaledBatch } from './journal-state';

/** Where a batch's results go: the same dataset writer (and failures file) as online results. */
export interface ResultSink {
  isDone(id: string): boolean;
  /** Commits a finished conversation; false when it was already there (a repeated download). */
  commit(spec: ConversationSpec, conversation: Conversation, usage: Usage, attempts: number): Promise<boolean>;
  /** `rejected`: the text validation turned down, when that is why it failed. */
  recordFailure(spec: ConversationSpec, kind: ErrorKind, reason: string, attempts: number, rejected?: RejectedOutput): Promise<void>;
  /** Batch-priced usage that wrote no conversation (an invalid response still costs). */
  spent(usage: Usage): void;
}

/** What handling one result line did, for the batch's counters. */
export type LineEffect = 'written' | 'message' | 'failed' | 'retry' | 'skipped';

const NO_HEADERS = { get: () => null };

/** errored lines whose body must change: resubmitting the same request cannot help. */
const FINAL_ERROR_TYPES = new Set(['invalid_request_error']);

/**
 * Handles one result line exactly once: a custom_id already journaled for this batch, a conversation
 * already in the dataset, or a `turns` message already kept is skipped, so a broken download is
 * simply read again from the start. Lines of custom_ids the intent does not hold are not ours.
 */
export class ResultLines {
  constructor(
    private readonly file: PromptFile,
    private readonly journal: MessageBatchJournal,
    private readonly sink: ResultSink,
    private readonly maxAttempts: number,
  ) {}

  async handle(batch: JournaledBatch, map: ReadonlyMap<string, IntentRequest>, line: MessageBatchResult): Promise<LineEffect> {
    const request = map.get(line.customId);
    if (!request || batch.outcomes.has(line.customId)) return 'skipped';
    const spec = specAt(this.file, request.i);
    if (spec.id !== request.id || this.sink.isDone(spec.id)) return 'skipped';
    // As online: each request (each `turns` message) has its own attempts.
    const attempts = (this.journal.state.retriesOf.get(request.c) ?? 0) + 1;
    switch (line.type) {
      case 'succeeded':
        return this.succeeded(batch, request, spec, { ...line.response, headers: NO_HEADERS }, attempts);
      case 'errored':
        if (FINAL_ERROR_TYPES.has(line.errorType)) {
          await this.fail(batch, request, spec, 'invalid_request', `${line.errorType}: ${line.message}`, attempts);
          return 'failed';
        }
        return this.retry(batch, request, spec, 'errored', attempts, line.errorType, line.message);
      case 'expired':
      case 'canceled':
        return this.retry(batch, request, spec, line.type, attempts);
    }
  }

  private async succeeded(
    batch: JournaledBatch,
    request: IntentRequest,
    spec: ConversationSpec,
    response: ModelResponse,
    attempts: number,
  ): Promise<LineEffect> {
    if (request.m === undefined) {
      let messages;
      try {
        messages = readSingleResponse(spec, response);
      } catch (e) {
        return this.invalid(batch, request, spec, e, response.usage, attempts);
      }
      await this.sink.commit(spec, { messages }, response.usage, this.requestsFor(spec.id, 1));
      return 'written';
    }
    const transcript = this.journal.state.transcripts.get(spec.id) ?? { messages: [], usage: { ...ZERO_USAGE } };
    // A round already kept (a repeated download, or a duplicate batch adopted after a lost create).
    if (transcript.messages.length !== request.m - 1) return 'skipped';
    let message;
    try {
      message = readTurnResponse(transcript.messages, response);
    } catch (e) {
      return this.invalid(batch, request, spec, e, response.usage, attempts);
    }
    if (request.m < spec.turns) {
      await this.journal.append({
        t: 'message',
        id: spec.id,
        n: request.m,
        role: message.role,
        content: message.content,
        usage: response.usage,
      });
      return 'message';
    }
    const messages = [...transcript.messages, message];
    const verdict = validateConversation(messages, spec.turns);
    if (!verdict.ok) {
      const error = new ForgeError('invalid_output', verdict.reason, { rejected: rejectedOutput(messages, verdict) });
      return this.invalid(batch, request, spec, error, response.usage, attempts);
    }
    await this.sink.commit(spec, { messages }, addUsage(transcript.usage, response.usage), this.requestsFor(spec.id, request.m));
    return 'written';
  }

  /** Every request a conversation took (the dataset journal's `attempts`): one per message, plus the retried ones. */
  private requestsFor(id: string, messages: number): number {
    return messages + (this.journal.state.retries.get(id) ?? 0);
  }

  /**
   * A response that came back unusable: billed, and (as online) asked for again in the next round as a
   * fresh request while attempts remain; after that recorded as failed with the reason.
   */
  private async invalid(
    batch: JournaledBatch,
    request: IntentRequest,
    spec: ConversationSpec,
    error: unknown,
    usage: Usage,
    attempts: number,
  ): Promise<LineEffect> {
    this.sink.spent(usage);
    const c = classify(error);
    if (c.action === 'regenerate' && attempts < this.maxAttempts) {
      await this.journal.append({ t: 'outcome', batchId: batch.id, c: request.c, id: spec.id, result: 'rejected', usage });
      return 'retry';
    }
    await this.fail(batch, request, spec, c.kind, c.message, attempts, usage, c.rejected);
    return 'failed';
  }

  private async fail(
    batch: JournaledBatch,
    request: IntentRequest,
    spec: ConversationSpec,
    kind: ErrorKind,
    reason: string,
    attempts: number,
    usage?: Usage,
    rejected?: RejectedOutput,
  ): Promise<void> {
    // Failure first, outcome second: a crash between them repeats the failure line (keyed by id), never loses it.
    await this.sink.recordFailure(spec, kind, reason, attempts, rejected);
    await this.journal.append({
      t: 'outcome',
      batchId: batch.id,
      c: request.c,
      id: spec.id,
      result: 'invalid',
      ...(usage ? { usage } : {}),
    });
  }

  private async retry(
    batch: JournaledBatch,
    request: IntentRequest,
    spec: ConversationSpec,
    result: 'errored' | 'expired' | 'canceled',
    attempts: number,
    errorType?: string,
    message?: string,
  ): Promise<LineEffect> {
    const outcome = { t: 'outcome' as const, batchId: batch.id, c: request.c, id: spec.id, result, ...(errorType ? { errorType } : {}) };
    if (attempts >= this.maxAttempts) {
      const why = errorType ? `${errorType}${message ? `: ${message}` : ''}` : result;
      await this.sink.recordFailure(
        spec,
        result === 'errored' ? 'server' : 'timeout',
        `Message Batch request ${why} ${attempts} time(s)`,
        attempts,
      );
      await this.journal.append(outcome);
      return 'failed';
    }
    await this.journal.append(outcome);
    return 'retry';
  }
}
