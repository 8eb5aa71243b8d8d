import type {
  MessageBatchApi,
  MessageBatchCounts,
  MessageBatchPage,
  MessageBatchRequest,
  MessageBatchResult,
  RemoteMessageBatch,
} from '../../src/core/api/message-batch-api';
import { ForgeError } from '../../src/core/errors';
import type { Clock } from '../../src/core/clock';
import { usageOf } from './fake-caller';

/** What one request of a batch comes back as (default: a good answer for its strategy). */
export type Responder = (request: MessageBatchRequest, attempt: number) => MessageBatchResult;

export interface StoredBatch {
  remote: RemoteMessageBatch;
  requests: MessageBatchRequest[];
  endsAt: number;
  cancelled: boolean;
  results?: MessageBatchResult[];
}

const DAY = 24 * 3600_000;

/** A conversation of `turns` messages as the `single` strategy asks for it. */
export function singleReply(turns = 2): string {
  const messages = Array.from({ length: turns }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: i % 2 === 0 ? `Question number ${i + 1} about kites and rivers?` : `A full answer number ${i + 1}, with detail.`,
  }));
  return JSON.stringify({ messages });
}

/** Answers `single` requests with a conversation and `turns` requests with one plain message. */
export const goodAnswer: Responder = (request) => {
  const turns = /_m(\d+)$/.test(request.customId);
  const text = turns ? `Message for ${request.customId}, said plainly.` : singleReply(2);
  return {
    customId: request.customId,
    type: 'succeeded',
    response: { text, stopReason: 'end_turn', usage: usageOf({ inputTokens: 100, outputTokens: 50 }), model: request.params.model },
  };
};

/**
 * An in-memory Message Batches API on an injected clock: batches end `processMs` after create,
 * with results from `respond`; faults are armed per call. Counts what a test asserts on: creates,
 * submissions per custom_id, calls per endpoint.
 */
export class FakeMessageBatchApi implements MessageBatchApi {
  readonly batches = new Map<string, StoredBatch>();
  readonly submitted = new Map<string, number>();
  readonly calls = { create: 0, retrieve: 0, list: 0, cancel: 0, results: 0 };
  processMs = 60_000;
  respond: Responder = goodAnswer;
  /** Next create makes the batch but its answer is lost (throws a network error). */
  loseNextCreateAnswer = false;
  /** Next create fails before making anything, with this error. */
  failNextCreate?: Error;
  /** The next download breaks after this many lines. */
  breakNextDownloadAfter?: number;
  /** Retrieves answer 404 for this long after create. */
  notFoundForMs = 0;
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  async create(requests: readonly MessageBatchRequest[]): Promise<RemoteMessageBatch> {
    this.calls.create++;
    if (this.failNextCreate) {
      const e = this.failNextCreate;
      this.failNextCreate = undefined;
      throw e;
    }
    const ids = new Set(requests.map((r) => r.customId));
    if (ids.size !== requests.length) throw new ForgeError('invalid_request', 'custom_id not unique in the batch');
    const now = this.clock.now();
    const id = `msgbatch_${String(++this.seq).padStart(4, '0')}`;
    const remote: RemoteMessageBatch = { id, status: 'in_progress', createdAt: now, expiresAt: now + DAY };
    this.batches.set(id, { remote, requests: [...requests], endsAt: now + this.processMs, cancelled: false });
    for (const r of requests) this.submitted.set(r.customId, (this.submitted.get(r.customId) ?? 0) + 1);
    if (this.loseNextCreateAnswer) {
      this.loseNextCreateAnswer = false;
      throw Object.assign(new Error('socket hang up'), { name: 'APIConnectionError', cause: { code: 'ECONNRESET' } });
    }
    return { ...remote };
  }

  async retrieve(id: string): Promise<RemoteMessageBatch> {
    this.calls.retrieve++;
    const b = this.batches.get(id);
    if (!b || this.clock.now() < b.remote.createdAt + this.notFoundForMs) throw new ForgeError('not_found', `no batch ${id}`);
    return this.view(b);
  }

  async list(page: { afterId?: string; limit?: number } = {}): Promise<MessageBatchPage> {
    this.calls.list++;
    const all = [...this.batches.values()].sort((a, b) => b.remote.createdAt - a.remote.createdAt || (a.remote.id < b.remote.id ? 1 : -1));
    const from = page.afterId ? all.findIndex((b) => b.remote.id === page.afterId) + 1 : 0;
    const slice = all.slice(from, from + (page.limit ?? 20));
    return {
      batches: slice.map((b) => this.view(b)),
      hasMore: from + slice.length < all.length,
      ...(slice.length ? { lastId: slice.at(-1)!.remote.id } : {}),
    };
  }

  async cancel(id: string): Promise<RemoteMessageBatch> {
    this.calls.cancel++;
    const b = this.batches.get(id);
    if (!b) throw new ForgeError('not_found', `no batch ${id}`);
    if (this.view(b).status !== 'ended') b.cancelled = true;
    return this.view(b);
  }

  async *results(id: string): AsyncIterable<MessageBatchResult> {
    this.calls.results++;
    const b = this.batches.get(id);
    if (!b || this.view(b).status !== 'ended') throw new ForgeError('invalid_request', `batch ${id} has not ended`);
    const breakAfter = this.breakNextDownloadAfter;
    this.breakNextDownloadAfter = undefined;
    let n = 0;
    for (const line of this.resultsOf(b)) {
      if (breakAfter !== undefined && n++ >= breakAfter) {
        throw Object.assign(new Error('terminated'), { name: 'APIConnectionError', cause: { code: 'ECONNRESET' } });
      }
      yield line;
    }
  }

  private resultsOf(b: StoredBatch): MessageBatchResult[] {
    if (!b.results) {
      // Cancelled before processing ended: every request comes back canceled (a real batch may finish some).
      b.results = b.requests.map((r) =>
        b.cancelled && this.clock.now() < b.endsAt
          ? { customId: r.customId, type: 'canceled' as const }
          : this.respond(r, this.submitted.get(r.customId) ?? 1),
      );
      // Any order, as the API says.
      b.results.reverse();
    }
    return b.results;
  }

  private view(b: StoredBatch): RemoteMessageBatch {
    const ended = b.cancelled || this.clock.now() >= b.endsAt;
    if (!ended) return { ...b.remote, status: 'in_progress' };
    const counts: MessageBatchCounts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    for (const r of this.resultsOf(b)) counts[r.type]++;
    return { ...b.remote, status: 'ended', counts, endedAt: Math.min(this.clock.now(), b.endsAt) };
  }
}
