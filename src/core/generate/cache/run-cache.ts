import type { Clock } from '../../clock';
import { MODELS } from '../../models';
import type { CacheSettings } from '../strategies/cache-layout';
import type { CacheMode, ConversationSpec } from '../types';
import { PrefixGate } from './prefix-gate';
import { TtlPlanner } from './ttl-planner';

export interface RunCacheOptions {
  clock: Clock;
  /** Overrides every prompt file's `cache` field (CLI `--cache`). */
  mode?: CacheMode;
  /** The model's shortest cacheable prefix (default: the model table, else 1,024). */
  minTokens?: (model: string) => number;
}

/** What one run knows about the prompt cache: its mode, the shared-prefix gate and the TTL plan. */
export class RunCache {
  readonly gate: PrefixGate;
  readonly planner = new TtlPlanner();
  readonly clock: Clock;
  private readonly mode: CacheMode | undefined;
  private readonly minTokens: (model: string) => number;

  constructor(options: RunCacheOptions) {
    this.clock = options.clock;
    this.gate = new PrefixGate(options.clock);
    this.mode = options.mode;
    this.minTokens = options.minTokens ?? ((model) => (Object.hasOwn(MODELS, model) ? MODELS[model]!.minCacheTokens : 1024));
  }

  modeOf(spec: ConversationSpec): CacheMode {
    return this.mode ?? spec.cache ?? 'auto';
  }

  /** How `spec`'s next request uses the cache, or undefined when caching is off for it. */
  settingsFor(spec: ConversationSpec): CacheSettings | undefined {
    const mode = this.modeOf(spec);
    if (mode === 'off') return undefined;
    return { ttl: mode === '1h' ? '1h' : this.planner.ttl(), minTokens: this.minTokens(spec.model) };
  }
}
