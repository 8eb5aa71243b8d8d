import { createAnthropicCaller } from '../core/api/anthropic-caller';
import type { ModelCaller } from '../core/api/types';
import type { Clock } from '../core/clock';
import { createRateLimiter } from '../core/limiter';
import type { Limits, OutputAccounting, RateLimiter } from '../core/limiter/types';
import { knownModelIds, limitsAssumed, MODEL_CLASSES, resolveLimits, resolveModel, type LimitsConfig, type ModelOverrides } from '../core/models';
import type { ParseOptions } from '../core/generate/prompt-file';
import type { PromptFile } from '../core/generate/types';
import { GenerationRun, type GenerationRunOptions } from '../core/generate/run/generation-run';

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
  outputAccounting?: OutputAccounting;
  modelOverrides?: ModelOverrides;
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

export function createLimiterFor(settings: EngineSettings, clock: Clock): RateLimiter {
  return createRateLimiter({
    clock,
    limits: (modelClass) => limitsOf(settings.limits, modelClass),
    limitsAssumed: () => limitsAssumed(settings.limits),
    outputAccounting: settings.outputAccounting ?? 'actual',
  });
}

/** Pushes new configured limits to every model class of a live limiter (headers keep correcting them). */
export async function applyLimits(limiter: RateLimiter, limits: LimitsConfig): Promise<void> {
  await Promise.all(MODEL_CLASSES.map((c) => limiter.setLimits(c, limitsOf(limits, c))));
}

export function createCallerFor(endpoint: Endpoint): ModelCaller {
  return createAnthropicCaller({ apiKey: endpoint.apiKey, ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}) });
}

/** What prompt-file parsing needs to know about models. */
export function modelLookup(overrides: ModelOverrides = {}): Pick<ParseOptions, 'knownModel' | 'modelIds'> {
  return { knownModel: (id) => resolveModel(id, overrides) !== undefined, modelIds: knownModelIds(overrides) };
}

export interface AssembledRun {
  run: GenerationRun;
  limiter: RateLimiter;
  caller: ModelCaller;
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
}

/** Opens a GenerationRun over `files` with a fresh caller and limiter built from the settings. */
export async function assembleRun(options: AssembleOptions): Promise<AssembledRun> {
  const { settings, endpoint, clock } = options;
  const caller = options.caller ?? createCallerFor(endpoint);
  const limiter = createLimiterFor(settings, clock);
  const runOptions: GenerationRunOptions = {
    clock,
    caller,
    limiter,
    simulated: endpoint.simulated,
    retryFailed: options.retryFailed ?? false,
    ...(options.allowNewVersion ? { allowNewVersion: true } : {}),
    ...(settings.maxConcurrency ? { maxConcurrency: settings.maxConcurrency } : {}),
    ...(settings.budgetUsd ? { budgetUsd: settings.budgetUsd } : {}),
    ...(settings.modelOverrides ? { modelOverrides: settings.modelOverrides } : {}),
    ...(options.outDir !== undefined ? { outDir: options.outDir } : {}),
  };
  const run = await GenerationRun.open(options.files, runOptions);
  return { run, limiter, caller };
}
