import type { Clock } from '../core/clock';
import type { Limits, OutputAccounting } from '../core/limiter/types';
import { FAULT_KINDS, type FaultKind } from './fault-kinds';
import { applyFaults, parseFaultScript } from './fault-options';
import { applyMessageBatchPatch, defaultMessageBatchConfig, type MessageBatchConfig } from './message-batches/batch-options';
import { invalid, num, obj, onlyKeys } from './option-checks';
import { MODEL_CLASSES, type ModelClass } from './models';

/**
 * Options and runtime configuration of the simulator. Everything a user can pass is validated here,
 * up front, with one message shape, so a typo in a benchmark fails loudly instead of running unlimited.
 */
export interface LatencyConfig {
  /** Time to first token. */
  baseMs: number;
  perOutputTokenMs: number;
  /** Uniform extra delay in [0, jitterMs). */
  jitterMs: number;
  /** Time a count_tokens answer takes (default 0: estimates in tests and dry runs stay quick). */
  countTokensMs: number;
}

export interface OutputConfig {
  /** Approximate tokens of a prose reply, or of each message of a JSON conversation. */
  tokensPerMessage: number;
  /** Relative spread of lengths, 0..1 (0.3 = ±30 %). */
  jitter: number;
  /** Tokens of the thinking block, when thinking is on. */
  thinkingTokens: number;
}

export interface FaultScriptEntry {
  kind: FaultKind;
  /** How many consecutive messages requests get this fault (default 1). */
  count?: number;
}

export interface FaultsConfig {
  /** Probability per messages request, 0..1; drawn from the seeded RNG. */
  rates?: Partial<Record<FaultKind, number>>;
  /** Faults for the next requests, in order, before any rate applies. Replaces what is pending. */
  script?: FaultScriptEntry[];
  /** How long a rate_limit_storm answers every messages request with 429. */
  stormSeconds?: number;
  /** Latency multiplier of the `slow` fault. */
  slowFactor?: number;
  /** Content deltas sent before a midstream_overload error event. */
  midstreamDeltas?: number;
  /** retry-after of a ramp_limit 429. */
  rampRetryAfterSeconds?: number;
}

/** Per-minute limits: `default` applies to every class, a named class overrides it. */
export type LimitsConfig = Partial<Record<ModelClass | 'default', Partial<Limits>>>;

/** What can be changed at runtime with `configure()` or `POST /_sim/config` (nested objects merge). */
export interface SimulatorConfig {
  limits: LimitsConfig;
  /** count_tokens has its own, generous, request bucket. */
  countTokensRequestsPerMinute: number;
  /**
   * Length of the short-interval enforcement window, in seconds (default 1, at most 60). Next to
   * each minute bucket (holds the limit) a short bucket holds limit * burstSeconds / 60; both refill
   * at limit / 60 per second and a request must fit both, while the headers report the minute
   * bucket only, so a client cannot see this window. The default is the documented behaviour
   * (API-FACTS, Rate limits: "enforced over short intervals too: 60 RPM may be enforced as
   * 1 request per second, so bursts trip it"): 60 RPM admits one request, then one per second; at
   * 50 RPM a request is larger than the whole short bucket, so it goes when that bucket is full and
   * the next one 1.2 s later. A generous window must be asked for: burstSeconds 6 lets 50 RPM
   * admit a burst of 5 first.
   */
  burstSeconds: number;
  /**
   * The short window of the count_tokens request bucket (default 1 s, as for messages; at most 60).
   * Forge's estimator waits out the 429s a quick run of samples draws here.
   */
  countTokensBurstSeconds: number;
  latency: Partial<LatencyConfig>;
  output: Partial<OutputConfig>;
  /** Open every answer with a thinking block. */
  thinking: boolean;
  /** 'actual': output charged when generated; 'reserve': max_tokens must fit up front, unused refunded. */
  outputAccounting: OutputAccounting;
  faults: FaultsConfig;
  /** Bodies above this get 413 request_too_large. */
  maxBodyBytes: number;
  /** The Message Batches endpoints (message-batches/batch-options.ts). */
  messageBatches: Partial<MessageBatchConfig>;
}

export interface SimulatorOptions extends Partial<SimulatorConfig> {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  seed?: number;
  /** Keys for which this returns false get 401. Any non-empty key is accepted without it. */
  acceptKey?: (key: string) => boolean;
  clock?: Clock;
}

export interface ResolvedFaults {
  rates: Record<FaultKind, number>;
  stormSeconds: number;
  slowFactor: number;
  midstreamDeltas: number;
  rampRetryAfterSeconds: number;
}

/** The fully defaulted configuration the simulator runs on. */
export interface ResolvedConfig {
  limits: Record<ModelClass, Limits>;
  countTokensRequestsPerMinute: number;
  burstSeconds: number;
  countTokensBurstSeconds: number;
  latency: LatencyConfig;
  output: OutputConfig;
  thinking: boolean;
  outputAccounting: OutputAccounting;
  faults: ResolvedFaults;
  maxBodyBytes: number;
  messageBatches: MessageBatchConfig;
}

/** Low on purpose: a dry run should meet its limits quickly. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  requestsPerMinute: 50,
  inputTokensPerMinute: 50_000,
  outputTokensPerMinute: 10_000,
});

export function defaultConfig(): ResolvedConfig {
  const limits = {} as Record<ModelClass, Limits>;
  for (const cls of MODEL_CLASSES) limits[cls] = { ...DEFAULT_LIMITS };
  const rates = {} as Record<FaultKind, number>;
  for (const kind of FAULT_KINDS) rates[kind] = 0;
  return {
    limits,
    countTokensRequestsPerMinute: 2000,
    burstSeconds: 1,
    countTokensBurstSeconds: 1,
    latency: { baseMs: 50, perOutputTokenMs: 0.5, jitterMs: 20, countTokensMs: 0 },
    output: { tokensPerMessage: 60, jitter: 0.3, thinkingTokens: 40 },
    thinking: false,
    outputAccounting: 'actual',
    faults: { rates, stormSeconds: 10, slowFactor: 4, midstreamDeltas: 2, rampRetryAfterSeconds: 2 },
    maxBodyBytes: 32 * 1024 * 1024,
    messageBatches: defaultMessageBatchConfig(),
  };
}

const LIMIT_KEYS = ['requestsPerMinute', 'inputTokensPerMinute', 'outputTokensPerMinute'] as const;
const CONFIG_KEYS = [
  'limits',
  'countTokensRequestsPerMinute',
  'burstSeconds',
  'countTokensBurstSeconds',
  'latency',
  'output',
  'thinking',
  'outputAccounting',
  'faults',
  'maxBodyBytes',
  'messageBatches',
] as const;
export const OPTION_KEYS = [...CONFIG_KEYS, 'host', 'port', 'seed', 'acceptKey', 'clock'] as const;

/**
 * Returns `base` with the validated `patch` applied; throws a TypeError naming the first bad field.
 * Unknown keys are rejected so that a misspelt limit never silently leaves the default in place.
 */
export function applyConfigPatch(base: ResolvedConfig, patch: unknown, allowedKeys: readonly string[] = CONFIG_KEYS): ResolvedConfig {
  const p = obj('config', patch);
  onlyKeys('config', p, allowedKeys);
  const next: ResolvedConfig = structuredClone(base);

  if (p.limits !== undefined) {
    const limits = obj('limits', p.limits);
    onlyKeys('limits', limits, ['default', ...MODEL_CLASSES]);
    // default first so a named class can override it in the same patch
    for (const cls of ['default', ...MODEL_CLASSES] as const) {
      if (limits[cls] === undefined) continue;
      const part = obj(`limits.${cls}`, limits[cls]);
      onlyKeys(`limits.${cls}`, part, LIMIT_KEYS);
      for (const key of LIMIT_KEYS) {
        if (part[key] === undefined) continue;
        const value = num(`limits.${cls}.${key}`, part[key], 1);
        for (const target of cls === 'default' ? MODEL_CLASSES : [cls]) next.limits[target][key] = value;
      }
    }
  }
  if (p.countTokensRequestsPerMinute !== undefined) {
    next.countTokensRequestsPerMinute = num('countTokensRequestsPerMinute', p.countTokensRequestsPerMinute, 1);
  }
  if (p.burstSeconds !== undefined) next.burstSeconds = num('burstSeconds', p.burstSeconds, 0.001, { max: 60 });
  if (p.countTokensBurstSeconds !== undefined) {
    next.countTokensBurstSeconds = num('countTokensBurstSeconds', p.countTokensBurstSeconds, 0.001, { max: 60 });
  }
  if (p.latency !== undefined) {
    const l = obj('latency', p.latency);
    onlyKeys('latency', l, ['baseMs', 'perOutputTokenMs', 'jitterMs', 'countTokensMs']);
    for (const key of ['baseMs', 'perOutputTokenMs', 'jitterMs', 'countTokensMs'] as const) {
      if (l[key] !== undefined) next.latency[key] = num(`latency.${key}`, l[key], 0);
    }
  }
  if (p.output !== undefined) {
    const o = obj('output', p.output);
    onlyKeys('output', o, ['tokensPerMessage', 'jitter', 'thinkingTokens']);
    if (o.tokensPerMessage !== undefined)
      next.output.tokensPerMessage = num('output.tokensPerMessage', o.tokensPerMessage, 1, { integer: true });
    if (o.jitter !== undefined) next.output.jitter = num('output.jitter', o.jitter, 0, { max: 1 });
    if (o.thinkingTokens !== undefined) next.output.thinkingTokens = num('output.thinkingTokens', o.thinkingTokens, 1, { integer: true });
  }
  if (p.thinking !== undefined) {
    if (typeof p.thinking !== 'boolean') throw invalid('thinking', 'a boolean', p.thinking);
    next.thinking = p.thinking;
  }
  if (p.outputAccounting !== undefined) {
    if (p.outputAccounting !== 'actual' && p.outputAccounting !== 'reserve') {
      throw invalid('outputAccounting', "'actual' or 'reserve'", p.outputAccounting);
    }
    next.outputAccounting = p.outputAccounting;
  }
  if (p.maxBodyBytes !== undefined) next.maxBodyBytes = num('maxBodyBytes', p.maxBodyBytes, 1, { integer: true });
  if (p.faults !== undefined) applyFaults(next.faults, obj('faults', p.faults));
  if (p.messageBatches !== undefined) next.messageBatches = applyMessageBatchPatch(next.messageBatches, p.messageBatches);
  return next;
}

export { parseFaultScript };

export interface ResolvedOptions {
  host: string;
  port: number;
  seed: number;
  acceptKey?: (key: string) => boolean;
  clock?: Clock;
  config: ResolvedConfig;
  script: FaultScriptEntry[];
}

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const o = obj('options', options);
  onlyKeys('options', o, OPTION_KEYS);
  const { host, port, seed, acceptKey, clock, ...config } = options;
  if (host !== undefined && (typeof host !== 'string' || host === '')) throw invalid('host', 'a non-empty string', host);
  if (port !== undefined) num('port', port, 0, { integer: true, max: 65535 });
  if (seed !== undefined) num('seed', seed, 0, { integer: true });
  if (acceptKey !== undefined && typeof acceptKey !== 'function') throw invalid('acceptKey', 'a function', acceptKey);
  if (clock !== undefined && (clock === null || typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function')) {
    throw invalid('clock', 'a Clock', clock);
  }
  return {
    host: host ?? '127.0.0.1',
    port: port ?? 0,
    seed: seed ?? 1,
    ...(acceptKey ? { acceptKey } : {}),
    ...(clock ? { clock } : {}),
    config: applyConfigPatch(defaultConfig(), config),
    script: config.faults?.script ? parseFaultScript(config.faults.script) : [],
  };
}
