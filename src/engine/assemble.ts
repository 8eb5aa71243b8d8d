import { createAnthropicCaller } from '../core/api/anthropic-caller';
import type { MessageBatchApi } from '../core/api/message-batch-api';
import type { PollTiming } from '../core/message-batches/poll-schedule';
import { createMessageBatchClient } from '../core/api/message-batch-client';
import type { ModelCaller } from '../core/api/types';
import type { Clock } from '../core/clock';
import type { DuplicatePrep } from '../core/dataset/duplicate-prep';
import { createRateLimiter } from '../core/limiter';
import { budgetNamespace, openLimiterStore, type SharingSettings } from '../core/limiter/sharing';
import type { LimiterStore } from '../core/limiter/store';
import type { Limits, OutputAccounting, RateLimiter } from '../core/limiter/types';
import { countTokensLimits } from '../core/models/tiers';
import { pacedCounter } from '../core/generate/estimate/paced-counter';
import {
  knownModelIds,
  limitsAssumed,
  MODEL_CLASSES,
  resolveLimits,
  resolveModel,
  type LimitsConfig,
  type ModelOverrides,
} from '../core/models';
import type { ParseOptions } from '../core/generate/prompt-file';
import type { GenerationMode, PromptFile } from '../core/generate/types';
import { GenerationRun, type GenerationRunOptions } from '../core/generate/run/generation-run';
import { ensureValues } from '../core/generate/values/ensure-values';
import { valuesSpentUsd, type ValuesOutcome } from '../core/generate/values/generate-values';
import { ModelPricing } from '../core/generate/run/model-pricing';

/**
 * Building caller + limiter + run from settings, shared by the extension and the CLI so both front
 * ends assemble the engine the same way. Nothing here reads settings itself: callers pass plain values.
 */
export interface EngineSettings {
  limits: LimitsConfig;
  /** 0 or absent: derived by the processor. */
  maxConcurrency?: number;
  /** 0 or absent: no budget. */
  budgetUsd?: number;
  /** Attempts per conversation before it is recorded as failed; absent: the run's default. */
  maxAttempts?: number;
  /** How long an unreachable endpoint is waited out before the run stops; absent: the processor's default. */
  outagePatienceMs?: number;
  outputAccounting?: OutputAccounting;
  modelOverrides?: ModelOverrides;
  /** One budget per API key across processes; absent: this process alone. */
  sharing?: SharingSettings;
}

export interface Endpoint {
  apiKey: string;
  /** Absent: the SDK's default (ANTHROPIC_BASE_URL, else the public API). */
  baseURL?: string;
  /** A dry run against the simulator. */
  simulated: boolean;
}

/** Limits of a model class under these settings (explicit numbers win over the tier preset). */
export function limitsOf(limits: LimitsConfig, modelClass: string): Limits {
  return resolveLimits(limits, modelClass);
}

/**
 * `loopLag`: this process's event-loop lag in ms (processLoopLag in a real run; absent in tests on a
 * fake clock), so the limiter's transit allowance covers the stalls of a busy machine.
 */
export function createLimiterFor(settings: EngineSettings, clock: Clock, store?: LimiterStore, loopLag?: () => number): RateLimiter {
  return createRateLimiter({
    clock,
    limits: (modelClass) => limitsOf(settings.limits, modelClass),
    limitsAssumed: () => limitsAssumed(settings.limits),
    outputAccounting: settings.outputAccounting ?? 'actual',
    ...(store ? { store } : {}),
    ...(loopLag ? { loopLagMs: loopLag } : {}),
  });
}

/**
 * The limiter count_tokens calls go through (paced-counter.ts): its own keys on the same store, so
 * processes sharing a budget share the count_tokens RPM too.
 */
export function createCountLimiterFor(settings: EngineSettings, clock: Clock, store?: LimiterStore, loopLag?: () => number): RateLimiter {
  return createRateLimiter({
    clock,
    limits: () => countTokensLimits(settings.limits),
    outputAccounting: 'actual',
    keyPrefix: 'count-tokens:',
    ...(store ? { store } : {}),
    ...(loopLag ? { loopLagMs: loopLag } : {}),
  });
}

/** count_tokens through `caller`, paced by a count limiter on `store`. */
export function countTokensVia(
  caller: Pick<ModelCaller, 'countTokens'>,
  settings: EngineSettings,
  clock: Clock,
  store?: LimiterStore,
  loopLag?: () => number,
): Pick<ModelCaller, 'countTokens'> {
  return pacedCounter(caller, createCountLimiterFor(settings, clock, store, loopLag), clock);
}

export interface OpenedCounter {
  counter: Pick<ModelCaller, 'countTokens'>;
  /** Owned by the caller: dispose it when the estimate is over. */
  store: LimiterStore;
}

/**
 * count_tokens at `endpoint` for an estimate outside a run (the estimate commands), on the budget
 * the settings share: a run of another process and this estimate draw on one count_tokens RPM.
 */
export async function openTokenCounter(
  settings: EngineSettings,
  endpoint: Endpoint,
  clock: Clock,
  options: { caller?: Pick<ModelCaller, 'countTokens'>; onNotice?: (message: string) => void } = {},
): Promise<OpenedCounter> {
  const store = await openStoreFor(settings, endpoint, clock, options.onNotice);
  return { counter: countTokensVia(options.caller ?? createCallerFor(endpoint), settings, clock, store), store };
}

export interface OpenedLimiter {
  limiter: RateLimiter;
  /** Owned by the caller: dispose it when the run is over. */
  store: LimiterStore;
}

/**
 * The limiter for runs against `endpoint`, sharing its budget as the settings say. The built-in
 * simulator is private to this process, so a dry run never shares.
 */
export async function openLimiterFor(
  settings: EngineSettings,
  endpoint: Endpoint,
  clock: Clock,
  onNotice?: (message: string) => void,
  loopLag?: () => number,
): Promise<OpenedLimiter> {
  const store = await openStoreFor(settings, endpoint, clock, onNotice);
  return { limiter: createLimiterFor(settings, clock, store, loopLag), store };
}

/** The store of the budget of `endpoint`'s key, shared as the settings say (the simulator never shares). */
function openStoreFor(
  settings: EngineSettings,
  endpoint: Endpoint,
  clock: Clock,
  onNotice?: (message: string) => void,
): Promise<LimiterStore> {
  const sharing: SharingSettings = endpoint.simulated || !settings.sharing ? { mode: 'off' } : settings.sharing;
  return openLimiterStore({
    sharing,
    namespace: budgetNamespace(endpoint.apiKey, endpoint.baseURL),
    clock,
    ...(onNotice ? { onNotice } : {}),
  });
}

/** Pushes new configured limits to every model class of a live limiter (headers keep correcting them). */
export async function applyLimits(limiter: RateLimiter, limits: LimitsConfig): Promise<void> {
  await Promise.all(MODEL_CLASSES.map((c) => limiter.setLimits(c, limitsOf(limits, c))));
}

/** The endpoint's name in messages ("cannot reach the API at …"). */
export function endpointName(endpoint: Endpoint): string {
  return endpoint.baseURL ?? 'https://api.anthropic.com';
}

export function createCallerFor(endpoint: Endpoint): ModelCaller {
  return createAnthropicCaller({ apiKey: endpoint.apiKey, ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}) });
}

/** Polls start at a twelfth of the longest wait and back off to it; the simulator ends batches in seconds, the API usually within the hour. */
export function messageBatchPoll(maxMs: number): PollTiming {
  return { initialMs: Math.max(100, maxMs / 12), maxMs, factor: 1.5 };
}

/** The Message Batches API at `endpoint` (the simulator implements it too). */
export function createMessageBatchApiFor(endpoint: Endpoint): MessageBatchApi {
  return createMessageBatchClient({ apiKey: endpoint.apiKey, ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}) });
}

/** What prompt-file parsing needs to know about models. */
export function modelLookup(overrides: ModelOverrides = {}): Pick<ParseOptions, 'knownModel' | 'modelIds'> {
  return { knownModel: (id) => resolveModel(id, overrides) !== undefined, modelIds: knownModelIds(overrides) };
}

export interface AssembledRun {
  run: GenerationRun;
  limiter: RateLimiter;
  caller: ModelCaller;
  /** count_tokens through `caller`, paced on the limiter's store (for the run's estimate). */
  counter: Pick<ModelCaller, 'countTokens'>;
  /** The limiter's store: dispose it once the run is over. */
  store: LimiterStore;
}

export interface AssembleOptions {
  files: readonly PromptFile[];
  settings: EngineSettings;
  endpoint: Endpoint;
  clock: Clock;
  retryFailed?: boolean;
  /** Append a changed prompt file's new version next to its earlier conversations (see version-guard.ts). */
  allowNewVersion?: boolean;
  outDir?: string;
  /** Injected in tests. */
  caller?: ModelCaller;
  /** Told about shared-limits housekeeping (a damaged state file set aside), and about generated values written. */
  onNotice?: (message: string) => void;
  /** Injected in tests instead of the SDK's Message Batches client. */
  messageBatchApi?: MessageBatchApi;
  /** Overrides every file's `mode` (CLI `--mode`). */
  mode?: GenerationMode;
  /** Longest wait between two polls of a Message Batch (default 60 s; 2 s against the simulator). */
  messageBatchPollMs?: number;
  /** Told when the values of generated variables are written (before the run opens). */
  onValuesWritten?: (outcome: ValuesOutcome) => void;
  /** Aborts the values requests (Ctrl-C while they run). */
  signal?: AbortSignal;
  /** This process's event-loop lag in ms, for the limiter (see createLimiterFor). */
  loopLag?: () => number;
  /** Prepares the run's conversations for the near-duplicate marking after it, as they are written. */
  duplicatePrep?: DuplicatePrep;
}

/**
 * Opens a GenerationRun over `files` with a fresh caller and limiter built from the settings: the
 * one place a front end turns its settings into a run (estimate.ts is the one place it estimates).
 */
export async function assembleRun(options: AssembleOptions): Promise<AssembledRun> {
  const { settings, endpoint, clock } = options;
  const caller = options.caller ?? createCallerFor(endpoint);
  const { limiter, store } = await openLimiterFor(settings, endpoint, clock, options.onNotice, options.loopLag);
  const runOptions: GenerationRunOptions = {
    clock,
    caller,
    limiter,
    simulated: endpoint.simulated,
    retryFailed: options.retryFailed ?? false,
    ...(options.allowNewVersion ? { allowNewVersion: true } : {}),
    ...(settings.maxConcurrency ? { maxConcurrency: settings.maxConcurrency } : {}),
    ...(settings.maxAttempts !== undefined ? { maxAttempts: settings.maxAttempts } : {}),
    outage: {
      endpoint: endpointName(endpoint),
      ...(settings.outagePatienceMs !== undefined ? { patienceMs: settings.outagePatienceMs } : {}),
    },
    ...(settings.modelOverrides ? { modelOverrides: settings.modelOverrides } : {}),
    ...(options.outDir !== undefined ? { outDir: options.outDir } : {}),
    ...(options.mode !== undefined ? { mode: options.mode } : {}),
    ...(options.duplicatePrep ? { duplicatePrep: options.duplicatePrep } : {}),
    messageBatches: {
      api: options.messageBatchApi ?? createMessageBatchApiFor(endpoint),
      poll: messageBatchPoll(options.messageBatchPollMs ?? (endpoint.simulated ? 2_000 : 60_000)),
    },
  };
  const pricing = new ModelPricing(settings.modelOverrides);
  const priceOf = pricing.costUsd.bind(pricing);
  let valuesSpent = 0;
  try {
    // Generated variables without values get them first, through this endpoint's caller and limiter,
    // and out of the same budget as the conversations.
    const files = await ensureValues(options.files, {
      caller,
      limiter,
      clock,
      simulated: endpoint.simulated,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(settings.budgetUsd ? { budget: { limitUsd: settings.budgetUsd, priceOf } } : {}),
      onWritten: (o) => {
        valuesSpent += valuesSpentUsd([o], priceOf);
        if (options.onValuesWritten) options.onValuesWritten(o);
        else
          options.onNotice?.(
            o.variables.map((v) => `generated ${v.got} of ${v.wanted} values of ${v.name} into ${o.valuesFile}`).join('; '),
          );
      },
    });
    if (settings.budgetUsd) {
      const left = settings.budgetUsd - valuesSpent;
      // The run's own budget guard takes what the values left (a positive number: nothing left stops it at once).
      runOptions.budgetUsd = Math.max(left, 1e-9);
      if (valuesSpent > 0)
        options.onNotice?.(
          `the generated values spent $${valuesSpent.toFixed(4)} of the $${settings.budgetUsd.toFixed(2)} budget: ` +
            `$${Math.max(left, 0).toFixed(4)} is left for the conversations`,
        );
    }
    const run = await GenerationRun.open(files, runOptions);
    return { run, limiter, caller, counter: countTokensVia(caller, settings, clock, store, options.loopLag), store };
  } catch (e) {
    await store.dispose().catch(() => undefined);
    throw e;
  }
}
