import type { MessageBatchRequest, MessageBatchResult } from '../api/message-batch-api';
import type { CacheSettings } from '../generate/strategies/cache-layout';
import type { ConversationSpec, PromptFile } from '../generate/types';
import type { Usage } from '../usage';
import type { JournalState } from './journal-state';
import { requestOf } from './pending-requests';

/**
 * How a run's budget sees Message Batches: the same budget (and the same "stop past the estimate"
 * ceiling) as online requests, answered by the run's spend tracker.
 */
export interface MessageBatchBudget {
  /** Reserves `usd` unless that would pass the budget or the ceiling: undefined once reserved, else why not. */
  reserve(usd: number): string | undefined;
  /** Reserves without asking: requests already at Anthropic (picked up from an earlier run). */
  hold(usd: number): void;
  /** A reservation ends: released, and what the request really cost is charged. */
  settle(reservedUsd: number, actualUsd: number): void;
}

/** What a batch-mode file's requests cost, at batch prices. */
export interface MessageBatchPrices {
  /** The most a request can cost: its estimated input and all of max_tokens as output. */
  worstCaseUsd(params: MessageBatchRequest['params']): number;
  costUsd(model: string, usage: Usage): number;
}

/** Admitting part of a submission: how many of its requests (a prefix) were reserved, and why not all. */
export interface Admission {
  readonly count: number;
  readonly refusal?: string;
}

/**
 * One prompt file's reservations, by custom_id: made before `create` (or when a run picks up batches
 * already out), released to the actual cost as each result line arrives, or to nothing when the
 * requests never reached Anthropic. A custom_id is in at most one open batch at a time.
 */
export class MessageBatchReservations {
  private readonly held = new Map<string, { usd: number; model: string }>();

  constructor(
    private readonly budget: MessageBatchBudget,
    private readonly prices: MessageBatchPrices,
  ) {}

  /** Reserves the requests one by one, in order, until one would pass the budget. */
  admit(requests: readonly MessageBatchRequest[]): Admission {
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i]!;
      const usd = this.prices.worstCaseUsd(r.params);
      const refusal = this.budget.reserve(usd);
      if (refusal !== undefined) return { count: i, refusal };
      this.held.set(r.customId, { usd, model: r.params.model });
    }
    return { count: requests.length };
  }

  /** Requests already at Anthropic when the run began. */
  hold(request: MessageBatchRequest): void {
    if (this.held.has(request.customId)) return;
    const usd = this.prices.worstCaseUsd(request.params);
    this.budget.hold(usd);
    this.held.set(request.customId, { usd, model: request.params.model });
  }

  /**
   * A result line came back: succeeded lines are charged at batch prices; errored, expired and
   * canceled ones are not billed. A line seen before (a repeated download) holds nothing and charges nothing.
   */
  settle(line: MessageBatchResult): void {
    const held = this.held.get(line.customId);
    if (held === undefined) return;
    this.held.delete(line.customId);
    // Priced by the model asked for: the answer may name a dated snapshot the price table does not list.
    const actual = line.type === 'succeeded' ? this.prices.costUsd(held.model, line.response.usage) : 0;
    this.budget.settle(held.usd, actual);
  }

  /** These requests never reached Anthropic (the create was refused, or `list` found no batch). */
  release(customIds: Iterable<string>): void {
    for (const c of customIds) {
      const held = this.held.get(c);
      if (held === undefined) continue;
      this.held.delete(c);
      this.budget.settle(held.usd, 0);
    }
  }

  /** Reserved and not yet settled, in USD. */
  get reservedUsd(): number {
    let sum = 0;
    for (const { usd } of this.held.values()) sum += usd;
    return sum;
  }
}

/** Requests already out when a runner starts (an earlier run's batches, unresolved creates) count against the budget. */
export function holdOutstanding(
  reservations: MessageBatchReservations,
  file: PromptFile,
  state: JournalState,
  isDone: (id: string) => boolean,
  cacheFor?: (spec: ConversationSpec) => CacheSettings | undefined,
): void {
  for (const intent of state.unresolved(file.name)) {
    for (const r of intent.requests) reservations.hold(requestOf(file, state, r, cacheFor));
  }
  for (const b of state.open(file.name)) {
    for (const r of state.requestsOf(b)) {
      if (!b.outcomes.has(r.c) && !isDone(r.id)) reservations.hold(requestOf(file, state, r, cacheFor));
    }
  }
}
