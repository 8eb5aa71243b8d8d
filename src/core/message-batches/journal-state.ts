import type { MessageBatchCounts } from '../api/message-batch-api';
import type { ChatMessage } from '../api/types';
import { addUsage, ZERO_USAGE, type Usage } from '../usage';
import type { IntentRequest, JournalLine } from './journal-entries';

export interface JournaledIntent {
  readonly key: string;
  readonly file: string;
  readonly at: number;
  readonly requests: readonly IntentRequest[];
  /** Batches made from it: one normally, more when `list` found duplicates of a lost create. */
  readonly batchIds: string[];
  absent: boolean;
}

export interface JournaledBatch {
  readonly id: string;
  readonly key: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly adopted: boolean;
  counts?: MessageBatchCounts;
  endedAt?: number;
  settled: boolean;
  cancelRequested: boolean;
  /** custom_ids whose result wrote nothing to the dataset (a repeated download skips them). */
  readonly outcomes: Set<string>;
}

/** A `turns` conversation's accepted messages, rebuilt from the journal. */
export interface Transcript {
  messages: ChatMessage[];
  usage: Usage;
}

/**
 * What a sidecar says, folded line by line: intents, their batches, per-request outcomes and `turns`
 * transcripts. Pure: the same lines always give the same state, which is what recovery relies on.
 */
export class JournalState {
  readonly intents = new Map<string, JournaledIntent>();
  readonly batches = new Map<string, JournaledBatch>();
  readonly transcripts = new Map<string, Transcript>();
  /** Retryable outcomes (errored, expired, canceled, rejected) per conversation: the requests it took beyond one per message. */
  readonly retries = new Map<string, number>();
  /** The same per request (custom_id: a `turns` message has its own), what the attempt cap counts as online. */
  readonly retriesOf = new Map<string, number>();

  apply(line: JournalLine): void {
    switch (line.t) {
      case 'intent':
        this.intents.set(line.key, { key: line.key, file: line.file, at: line.at, requests: line.requests, batchIds: [], absent: false });
        return;
      case 'created': {
        const intent = this.intents.get(line.key);
        if (!intent || this.batches.has(line.batchId)) return;
        intent.batchIds.push(line.batchId);
        this.batches.set(line.batchId, {
          id: line.batchId,
          key: line.key,
          createdAt: line.createdAt,
          expiresAt: line.expiresAt,
          adopted: line.adopted ?? false,
          settled: false,
          cancelRequested: false,
          outcomes: new Set(),
        });
        return;
      }
      case 'absent': {
        const intent = this.intents.get(line.key);
        if (intent) intent.absent = true;
        return;
      }
      case 'outcome': {
        const batch = this.batches.get(line.batchId);
        if (!batch || batch.outcomes.has(line.c)) return;
        batch.outcomes.add(line.c);
        if (line.result === 'invalid') return;
        this.retries.set(line.id, (this.retries.get(line.id) ?? 0) + 1);
        this.retriesOf.set(line.c, (this.retriesOf.get(line.c) ?? 0) + 1);
        return;
      }
      case 'message': {
        const t = this.transcripts.get(line.id) ?? { messages: [], usage: { ...ZERO_USAGE } };
        if (t.messages.length !== line.n - 1) return; // a repeated download: already have it
        t.messages.push({ role: line.role, content: line.content });
        t.usage = addUsage(t.usage, line.usage);
        this.transcripts.set(line.id, t);
        return;
      }
      case 'ended': {
        const batch = this.batches.get(line.batchId);
        if (!batch) return;
        batch.counts = line.counts;
        if (line.endedAt !== undefined) batch.endedAt = line.endedAt;
        return;
      }
      case 'settled': {
        const batch = this.batches.get(line.batchId);
        if (batch) batch.settled = true;
        return;
      }
      case 'cancel': {
        const batch = this.batches.get(line.batchId);
        if (batch) batch.cancelRequested = true;
        return;
      }
    }
  }

  /** Intents whose create may or may not have made a batch: resolved (adopt or absent) before anything new is created. */
  unresolved(file?: string): JournaledIntent[] {
    return [...this.intents.values()].filter((i) => !i.absent && i.batchIds.length === 0 && (file === undefined || i.file === file));
  }

  /** Batches whose results are not all handled yet. */
  open(file?: string): JournaledBatch[] {
    return [...this.batches.values()].filter((b) => !b.settled && (file === undefined || this.intents.get(b.key)?.file === file));
  }

  fileOf(batch: JournaledBatch): string {
    return this.intents.get(batch.key)?.file ?? '';
  }

  requestsOf(batch: JournaledBatch): readonly IntentRequest[] {
    return this.intents.get(batch.key)?.requests ?? [];
  }

  /** Conversation ids waiting on Anthropic (in an open batch or an unresolved intent): not to be submitted again. */
  inFlight(file?: string): Set<string> {
    const ids = new Set<string>();
    for (const i of this.unresolved(file)) for (const r of i.requests) ids.add(r.id);
    for (const b of this.open(file)) for (const r of this.requestsOf(b)) ids.add(r.id);
    return ids;
  }
}
