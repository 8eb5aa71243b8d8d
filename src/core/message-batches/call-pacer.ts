import { sleep, type Clock } from '../clock';
import { classify } from '../errors';
import type {
  MessageBatchApi,
  MessageBatchPage,
  MessageBatchRequest,
  MessageBatchResult,
  RemoteMessageBatch,
} from '../api/message-batch-api';

export type MessageBatchCall = 'create' | 'retrieve' | 'list' | 'cancel' | 'results';

/** Calls per endpoint, for the progress line and bench (how many HTTP calls polling cost). */
export type CallCounts = Record<MessageBatchCall, number>;

/**
 * Keeps every call to the Message Batches endpoints (polls and downloads count) inside their own
 * RPM, which all models share: calls are spaced by 60 s / rpm, and a 429's retry-after holds all of
 * them. The wrapped API is otherwise untouched: errors still reach the caller to decide.
 */
export class PacedMessageBatchApi implements MessageBatchApi {
  readonly calls: CallCounts = { create: 0, retrieve: 0, list: 0, cancel: 0, results: 0 };
  private nextAt = 0;
  private readonly gapMs: number;

  constructor(
    private readonly api: MessageBatchApi,
    private readonly clock: Clock,
    rpm: number,
  ) {
    this.gapMs = 60_000 / Math.max(1, rpm);
  }

  create(requests: readonly MessageBatchRequest[], signal?: AbortSignal): Promise<RemoteMessageBatch> {
    return this.call('create', signal, () => this.api.create(requests, signal));
  }

  retrieve(id: string, signal?: AbortSignal): Promise<RemoteMessageBatch> {
    return this.call('retrieve', signal, () => this.api.retrieve(id, signal));
  }

  list(page?: { afterId?: string; limit?: number }, signal?: AbortSignal): Promise<MessageBatchPage> {
    return this.call('list', signal, () => this.api.list(page, signal));
  }

  cancel(id: string, signal?: AbortSignal): Promise<RemoteMessageBatch> {
    return this.call('cancel', signal, () => this.api.cancel(id, signal));
  }

  async *results(id: string, signal?: AbortSignal): AsyncIterable<MessageBatchResult> {
    await this.turn(signal);
    this.calls.results++;
    try {
      yield* this.api.results(id, signal);
    } catch (err) {
      this.noteError(err);
      throw err;
    }
  }

  private async call<T>(kind: MessageBatchCall, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    await this.turn(signal);
    this.calls[kind]++;
    try {
      return await send();
    } catch (err) {
      this.noteError(err);
      throw err;
    }
  }

  private async turn(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.gapMs;
    if (at > now) await sleep(this.clock, at - now, signal);
  }

  /** A 429 holds every batch call until its retry-after (at least a few seconds when it names none). */
  private noteError(err: unknown): void {
    const c = classify(err);
    if (c.kind !== 'rate_limited' && c.kind !== 'acceleration_limit') return;
    this.nextAt = Math.max(this.nextAt, this.clock.now() + (c.retryAfterMs ?? 5_000));
  }
}
