import type { Clock } from '../../clock';
import { MODELS, type ModelInfo } from '../../models';
import type { Priority, RequestEstimate } from '../../queue/types';
import type { CacheSettings } from '../strategies/cache-layout';
import type { CacheMode, ConversationSpec } from '../types';
import { CacheOutlook } from './cache-outlook';
import { predictNextRead, stepIntervalMs } from './next-read';
import { PrefixGate } from './prefix-gate';
import { chooseTtl, type TtlChoice } from './ttl-choice';
import { TtlPlanner } from './ttl-planner';

export interface RunCacheOptions {
  clock: Clock;
  /** Overrides every prompt file's `cache` field (CLI `--cache`). */
  mode?: CacheMode;
  /** The model's shortest cacheable prefix (default: the model table, else 1,024). */
  minTokens?: (model: string) => number;
  /** The model's prices, for the TTL choice (default: the model table). */
  model?: (model: string) => ModelInfo | undefined;
  /** Plan the TTL from when each entry will be read again (default true); false keeps only the observed gaps. */
  plan?: boolean;
}

/** When a Message Batch request's cache entry is expected to be read next (see messageBatchSettingsFor). */
export const MESSAGE_BATCH_NEXT_READ_MS = 30 * 60_000;

/** The request being dispatched: whose conversation, in which class, with what demand. */
export interface DispatchOf {
  readonly id: string;
  readonly modelClass: string;
  readonly priority: Priority;
  readonly next: RequestEstimate;
  /** Messages the conversation has so far (`turns`). */
  readonly transcriptLength: number;
}

/** What one run knows about the prompt cache: its mode, the shared-prefix gate and the TTL plan. */
export class RunCache {
  readonly gate: PrefixGate;
  /** Gaps seen between uses of the run's prefixes: what the forecast did not see coming. */
  readonly planner = new TtlPlanner();
  readonly outlook = new CacheOutlook();
  readonly clock: Clock;
  private readonly mode: CacheMode | undefined;
  private readonly minTokens: (model: string) => number;
  private readonly model: (model: string) => ModelInfo | undefined;
  private readonly plan: boolean;

  constructor(options: RunCacheOptions) {
    this.clock = options.clock;
    this.gate = new PrefixGate(options.clock);
    this.mode = options.mode;
    this.minTokens = options.minTokens ?? ((model) => (Object.hasOwn(MODELS, model) ? MODELS[model]!.minCacheTokens : 1024));
    this.model = options.model ?? ((model) => (Object.hasOwn(MODELS, model) ? MODELS[model] : undefined));
    this.plan = options.plan ?? true;
  }

  /**
   * A prefix was used again (or found gone) at `now`, last used at `since`. What known holds
   * covered of that gap the plan already saw; only the rest tells the observed-gap signal anything.
   */
  observeGap(since: number, now: number): void {
    this.planner.observeGap(now - since - (this.plan ? this.outlook.heldWithin(since, now) : 0));
  }

  modeOf(spec: ConversationSpec): CacheMode {
    return this.mode ?? spec.cache ?? 'auto';
  }

  /**
   * How `spec`'s next request uses the cache, or undefined when caching is off for it. Given the
   * request being dispatched, `auto` plans its TTL (`planTtl`); without it (estimates before a run,
   * Message Batches) only the observed gaps speak.
   */
  settingsFor(spec: ConversationSpec, dispatch?: DispatchOf): CacheSettings | undefined {
    const mode = this.modeOf(spec);
    if (mode === 'off') return undefined;
    const minTokens = this.minTokens(spec.model);
    if (mode === '1h') return { ttl: '1h', minTokens };
    const planned = dispatch ? this.planTtl(spec, dispatch) : undefined;
    if (planned?.ttl === '1h') return { ttl: '1h', minTokens };
    // Observed gaps near five minutes that no hold explains (the forecast missed something: an API
    // slower than measured, limits lower than learnt) still turn the hour on, but not for an entry
    // the plan knows nobody reads in time.
    const unread = planned?.reason === 'not-read-again' || planned?.reason === 'outlives-1h';
    return { ttl: unread ? '5m' : this.planner.ttl(), minTokens };
  }

  /**
   * How a Message Batch request of `spec` uses the cache. Anthropic processes a Message Batch's
   * requests at moments nobody knows, over minutes to an hour (most end within the hour, and the
   * docs advise the hour for batches with shared context), and a `turns` conversation's next
   * message goes out only in the next Message Batch: the next read of what a request writes is
   * planned half an hour on, which the hour covers and five minutes do not.
   */
  messageBatchSettingsFor(spec: ConversationSpec): CacheSettings | undefined {
    const mode = this.modeOf(spec);
    const model = this.model(spec.model);
    if (mode !== 'auto' || !this.plan || !model) return this.settingsFor(spec);
    const now = this.clock.now();
    const { ttl } = chooseTtl({ now, nextReadAt: now + MESSAGE_BATCH_NEXT_READ_MS, model });
    return { ttl, minTokens: this.minTokens(spec.model) };
  }

  /**
   * The planned lifetime of what the request writes: when its entry is read next (this side's next
   * turn, two requests on; for a shared system prompt, the next sibling), given the conversations
   * taking turns with it and the work queued at a higher priority (all of it goes first), the rate
   * its class's limits allow and the holds known now.
   */
  planTtl(spec: ConversationSpec, dispatch: DispatchOf): TtlChoice | undefined {
    const model = this.model(spec.model);
    if (!this.plan || !model) return undefined;
    const now = this.clock.now();
    const sameSideAgain = dispatch.transcriptLength + 2 < spec.turns;
    const stepsUntilRead = spec.strategy === 'single' ? 0 : sameSideAgain ? 2 : undefined;
    const stepMs = stepIntervalMs({
      latencyMs: this.outlook.latencyMs,
      ahead: this.outlook.rotation(dispatch.modelClass, now) + this.outlook.queuedAhead(dispatch.priority),
      limits: this.outlook.limits(dispatch.modelClass),
      inputTokens: dispatch.next.inputTokens,
      outputTokens: dispatch.next.expectedOutputTokens ?? dispatch.next.maxTokens,
    });
    const nextReadAt = predictNextRead({ now, stepsUntilRead, stepMs, holds: this.outlook.holds(now) });
    return chooseTtl({ now, nextReadAt, model });
  }
}
