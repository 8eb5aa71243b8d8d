import type { Rng } from '../rng';
import { newId } from '../http-io';
import type { BatchErrorType, MessageBatchConfig, OutcomeRule } from './batch-options';

/**
 * The simulator's Message Batches, computed lazily from the clock: a batch holds when each of its
 * requests is done and when it was canceled, and its status at any moment follows from those times.
 * Nothing runs on a timer, so a fake clock drives batches as well as the real one.
 */
export type PlannedOutcome =
  | { readonly type: 'succeeded' }
  | { readonly type: 'errored'; readonly errorType: BatchErrorType }
  | { readonly type: 'expired' }
  | { readonly type: 'canceled' };

export interface PlannedRequest {
  readonly customId: string;
  readonly params: unknown;
  /** When processing this request is done (epoch ms on the simulator's clock). */
  readonly doneAt: number;
  /** Decided at create, from the outcome rules then in force. */
  readonly planned: PlannedOutcome;
}

/** One line of the results file, as the API writes it. */
export interface ResultLine {
  custom_id: string;
  result: Record<string, unknown>;
}

export interface SimBatch {
  readonly id: string;
  /** Creation order, to break ties between batches created in the same millisecond. */
  readonly seq: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The early-404 window ends here. */
  readonly visibleAt: number;
  /** The anthropic-version of the create, which validates the bodies when they run. */
  readonly anthropicVersion: string;
  readonly requests: readonly PlannedRequest[];
  readonly lastDoneAt: number;
  cancelAt?: number;
  cancelEndsAt?: number;
  /** Materialized once, the first time anyone looks at the ended batch (shuffled). */
  lines?: ResultLine[];
}

export type BatchStatus = 'in_progress' | 'canceling' | 'ended';

export function endedAt(b: SimBatch): number {
  return Math.min(b.lastDoneAt, b.expiresAt, b.cancelEndsAt ?? Infinity);
}

export function statusAt(b: SimBatch, now: number): BatchStatus {
  if (now >= endedAt(b)) return 'ended';
  return b.cancelAt !== undefined ? 'canceling' : 'in_progress';
}

/**
 * What became of a request once its batch ended: its planned outcome when it was done before the
 * batch was canceled or expired, else canceled (cancel came first) or expired.
 */
export function finalOutcome(b: SimBatch, r: PlannedRequest): PlannedOutcome {
  const cutoff = Math.min(b.expiresAt, b.cancelAt ?? Infinity);
  if (r.doneAt <= cutoff && r.doneAt <= endedAt(b)) return r.planned;
  return b.cancelAt !== undefined && b.cancelAt < b.expiresAt ? { type: 'canceled' } : { type: 'expired' };
}

export class MessageBatchStore {
  private readonly batches = new Map<string, SimBatch>();
  private seq = 0;
  /** Submissions per custom_id over the simulator's life: outcome rules apply to the first `attempts`. */
  private readonly submissions = new Map<string, number>();

  constructor(private readonly rng: Rng) {}

  create(
    requests: readonly { customId: string; params: unknown }[],
    anthropicVersion: string,
    now: number,
    config: MessageBatchConfig,
  ): SimBatch {
    const n = requests.length;
    // at least 1 ms: a create always answers in_progress, as the API's does, even when processing is instant
    const processingMs = Math.max(1, config.processingSeconds * 1000);
    // A seeded permutation decides the order requests finish in; the last one ends the batch.
    const order = requests.map((_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const doneAt = new Array<number>(n);
    order.forEach((requestIndex, position) => (doneAt[requestIndex] = now + (processingMs * (position + 1)) / n));
    const planned = requests.map((r, i) => ({
      customId: r.customId,
      params: r.params,
      doneAt: doneAt[i]!,
      planned: this.plan(r.customId, config),
    }));
    const batch: SimBatch = {
      id: newId('msgbatch'),
      seq: this.seq++,
      createdAt: now,
      expiresAt: now + config.expirySeconds * 1000,
      visibleAt: now + config.notFoundSeconds * 1000,
      anthropicVersion,
      requests: planned,
      lastDoneAt: now + processingMs,
    };
    this.batches.set(batch.id, batch);
    return batch;
  }

  private plan(customId: string, config: MessageBatchConfig): PlannedOutcome {
    const attempt = (this.submissions.get(customId) ?? 0) + 1;
    this.submissions.set(customId, attempt);
    const { errored, expired, canceled } = config.outcomes;
    if (errored && this.applies(errored, customId, attempt)) return { type: 'errored', errorType: errored.errorType ?? 'overloaded_error' };
    if (expired && this.applies(expired, customId, attempt)) return { type: 'expired' };
    if (canceled && this.applies(canceled, customId, attempt)) return { type: 'canceled' };
    return { type: 'succeeded' };
  }

  private applies(rule: OutcomeRule, customId: string, attempt: number): boolean {
    if (rule.customIds?.includes(customId) && attempt <= (rule.attempts ?? 1)) return true;
    return rule.fraction !== undefined && rule.fraction > 0 && this.rng.next() < rule.fraction;
  }

  get(id: string): SimBatch | undefined {
    return this.batches.get(id);
  }

  delete(id: string): void {
    this.batches.delete(id);
  }

  /** Newest first. */
  list(): SimBatch[] {
    return [...this.batches.values()].sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
  }

  /** Requests in batches that have not ended: what the queued-requests cap counts. */
  queuedRequests(now: number): number {
    let total = 0;
    for (const b of this.batches.values()) if (statusAt(b, now) !== 'ended') total += b.requests.length;
    return total;
  }

  /** The earliest end among running batches (when queue room frees up), or undefined. */
  nextEnd(now: number): number | undefined {
    let next: number | undefined;
    for (const b of this.batches.values()) {
      if (statusAt(b, now) === 'ended') continue;
      next = Math.min(next ?? Infinity, endedAt(b));
    }
    return next;
  }

  cancel(b: SimBatch, now: number, config: MessageBatchConfig): void {
    if (statusAt(b, now) !== 'in_progress') return;
    b.cancelAt = now;
    b.cancelEndsAt = now + config.cancelingSeconds * 1000;
  }
}
