import type { ModelCaller } from '../api/types';
import { systemClock, type Clock } from '../clock';
import type { Dimension, Limits } from '../limiter/types';
import type { Usage } from '../usage';
import { DEFAULT_TOKENS_PER_MESSAGE } from './estimate/approx-tokens';
import { MODELS } from '../models';
import { cachedConversationTokens, type CachedTokenTotals } from './estimate/cached-conversation-tokens';
import { firstRequestTokens } from './estimate/sample-counts';
import { explainWallTime, wallTime, type ClassDemand } from './estimate/wall-time';
import type { ConversationSpec } from './types';
import { expectNumber } from '../validate';

export interface EstimateOptions {
  specs: readonly ConversationSpec[];
  /** Only countTokens is used. */
  caller: Pick<ModelCaller, 'countTokens'>;
  /** `messageBatch`: the Message Batches price (half of standard, cache tiers included). */
  priceOf: (model: string, usage: Usage, messageBatch?: boolean) => number;
  /** Whether a spec's file runs as Message Batches (not paced by the rate limits; priced at batch rates). */
  isMessageBatch?: (spec: ConversationSpec) => boolean;
  limits: (model: string) => Limits;
  /** Rate limits are shared per model class; defaults to one class per model id. */
  modelClassOf?: (model: string) => string;
  /** Expected tokens of one generated message (default 80), capped by max_tokens. */
  tokensPerMessage?: number;
  /** count_tokens calls per prompt file (default 20). */
  sampleSize?: number;
  signal?: AbortSignal;
  /** Waits between count_tokens retries run on it. Default: the system clock. */
  clock?: Clock;
  /** The model's shortest cacheable prefix (default: the model table, else 1,024). */
  minCacheTokens?: (model: string) => number;
  /** How many conversations a spec stands for (an even sample of a large run). Default 1. */
  weightOf?: (spec: ConversationSpec) => number;
}

export interface FileEstimate {
  file: string;
  model: string;
  conversations: number;
  requests: number;
  /** All input, cached or not. */
  inputTokens: number;
  /** The parts of `inputTokens` predicted to be written to and read from the prompt cache. */
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** What the same conversations would cost without prompt caching, less `costUsd`. */
  cacheSavingsUsd: number;
  /** Specs whose first request was counted with count_tokens; the rest were extrapolated. */
  countedSamples: number;
  /** count_tokens could not be reached for this file: its input tokens are a characters-based guess. */
  approximate: boolean;
  /** Set when the file runs as Message Batches: how many batch rounds it needs (turns: one per message). */
  messageBatchRounds?: number;
}

export interface RunEstimate {
  conversations: number;
  requests: number;
  inputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  outputTokens: number;
  costUsd: number;
  cacheSavingsUsd: number;
  perFile: FileEstimate[];
  /** The fastest the rate limits allow. */
  wallSeconds: number;
  bindingLimit: Dimension;
  /** e.g. "~12 min, bound by output tokens (400k OTPM)". */
  explanation: string;
  /**
   * Requests that generate variable values still missing (values/estimate-values.ts): the expected
   * figures, and the worst case with the top-up rounds, which is what the totals include.
   */
  valueRequests?: {
    requests: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    worstCase: { requests: number; inputTokens: number; outputTokens: number; costUsd: number; rounds: number };
  };
}

export const DEFAULT_SAMPLE_SIZE = 20;

function expectPositive(name: string, value: number, integer = false): void {
  expectNumber(name, value, integer ? { integer, min: 1 } : { above: 0 });
}

/** What a run will cost and how long its rate limits make it take, before anything is generated. */
export async function estimateRun(options: EstimateOptions): Promise<RunEstimate> {
  const tokensPerMessage = options.tokensPerMessage ?? DEFAULT_TOKENS_PER_MESSAGE;
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const classOf = options.modelClassOf ?? ((model: string) => model);
  expectPositive('tokensPerMessage', tokensPerMessage);
  expectPositive('sampleSize', sampleSize, true);
  const minCacheTokens =
    options.minCacheTokens ?? ((model: string) => (Object.hasOwn(MODELS, model) ? MODELS[model]!.minCacheTokens : 1024));

  const files = new Map<string, ConversationSpec[]>();
  for (const spec of options.specs) {
    const list = files.get(spec.sourceFile) ?? [];
    list.push(spec);
    files.set(spec.sourceFile, list);
  }

  const perFile: FileEstimate[] = [];
  const classes = new Map<string, ClassDemand>();
  for (const [file, specs] of files) {
    const first = await firstRequestTokens(specs, options.caller, sampleSize, options.clock ?? systemClock, options.signal);
    const entry: FileEstimate = {
      file,
      model: specs[0]!.model,
      conversations: 0,
      requests: 0,
      inputTokens: 0,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      cacheSavingsUsd: 0,
      countedSamples: first.counted,
      approximate: first.approximate,
    };
    const batch = options.isMessageBatch?.(specs[0]!) ?? false;
    if (batch) entry.messageBatchRounds = Math.max(...specs.map((sp) => (sp.strategy === 'turns' ? sp.turns : 1)));
    specs.forEach((spec, i) => {
      const w = options.weightOf?.(spec) ?? 1;
      const mode = spec.cache ?? 'auto';
      // `auto` writes Message Batch requests for the hour (RunCache.messageBatchSettingsFor)
      const ttl = mode === '1h' || (mode === 'auto' && batch) ? ('1h' as const) : ('5m' as const);
      const prediction = mode === 'off' ? undefined : { minTokens: minCacheTokens(spec.model), ttl, sharedWarm: i > 0 };
      const one = cachedConversationTokens(spec, first.tokens[i]!, first.tokensPerChar, tokensPerMessage, prediction);
      // A sampled spec stands for `w` conversations: every figure scales with it.
      // Every field listed (the type requires them all), not copied through Object.entries, which
      // made about fifteen throwaway objects per spec before a run's first request.
      const t: CachedTokenTotals =
        w === 1
          ? one
          : {
              requests: one.requests * w,
              inputTokens: one.inputTokens * w,
              outputTokens: one.outputTokens * w,
              cacheCreationInputTokens: one.cacheCreationInputTokens * w,
              cacheCreation1hInputTokens: one.cacheCreation1hInputTokens * w,
              cacheReadInputTokens: one.cacheReadInputTokens * w,
            };
      entry.conversations += w;
      entry.requests += t.requests;
      entry.inputTokens += t.inputTokens;
      entry.cacheCreationInputTokens += t.cacheCreationInputTokens;
      entry.cacheReadInputTokens += t.cacheReadInputTokens;
      entry.outputTokens += t.outputTokens;
      // Priced per conversation, not per file, so prices that depend on prompt size stay right.
      const cost = options.priceOf(
        spec.model,
        {
          inputTokens: t.inputTokens - t.cacheCreationInputTokens - t.cacheReadInputTokens,
          outputTokens: t.outputTokens,
          cacheCreationInputTokens: t.cacheCreationInputTokens,
          cacheCreation1hInputTokens: t.cacheCreation1hInputTokens,
          cacheReadInputTokens: t.cacheReadInputTokens,
        },
        batch,
      );
      entry.costUsd += cost;
      entry.cacheSavingsUsd +=
        options.priceOf(
          spec.model,
          {
            inputTokens: t.inputTokens,
            outputTokens: t.outputTokens,
            cacheCreationInputTokens: 0,
            cacheReadInputTokens: 0,
          },
          batch,
        ) - cost;
      // Message Batches have their own limits: they do not take from the Messages API's RPM/ITPM/OTPM.
      if (batch) return;
      const modelClass = classOf(spec.model);
      let demand = classes.get(modelClass);
      if (!demand) {
        const limits = options.limits(spec.model);
        for (const key of ['requestsPerMinute', 'inputTokensPerMinute', 'outputTokensPerMinute'] as const) {
          expectPositive(`limits(${spec.model}).${key}`, limits[key]);
        }
        demand = { modelClass, limits, requests: 0, inputTokens: 0, outputTokens: 0 };
        classes.set(modelClass, demand);
      }
      demand.requests += t.requests;
      // ITPM counts new input and cache writes, not cache reads
      demand.inputTokens += t.inputTokens - t.cacheReadInputTokens;
      demand.outputTokens += t.outputTokens;
    });
    // A weighted sample adds up to fractions; a count of conversations, requests or tokens is whole.
    for (const key of ['conversations', 'requests', 'inputTokens', 'outputTokens'] as const) entry[key] = Math.round(entry[key]);
    perFile.push(entry);
  }

  const wall = wallTime([...classes.values()]);
  const sum = (
    key:
      | 'conversations'
      | 'requests'
      | 'inputTokens'
      | 'cacheCreationInputTokens'
      | 'cacheReadInputTokens'
      | 'outputTokens'
      | 'costUsd'
      | 'cacheSavingsUsd',
  ) => perFile.reduce((n, f) => n + f[key], 0);
  return {
    conversations: sum('conversations'),
    requests: sum('requests'),
    inputTokens: sum('inputTokens'),
    cacheCreationInputTokens: sum('cacheCreationInputTokens'),
    cacheReadInputTokens: sum('cacheReadInputTokens'),
    outputTokens: sum('outputTokens'),
    costUsd: sum('costUsd'),
    cacheSavingsUsd: sum('cacheSavingsUsd'),
    perFile,
    wallSeconds: wall.wallSeconds,
    bindingLimit: wall.bindingLimit,
    explanation:
      (classes.size > 0 || !perFile.some((f) => f.messageBatchRounds !== undefined)
        ? explainWallTime(wall, classes.size)
        : 'no online files') +
      messageBatchTime(perFile) +
      (perFile.some((f) => f.approximate) ? '; input tokens approximated (count_tokens was unavailable)' : ''),
  };
}

/** What to expect of the Message Batches files' wait: most batches end within an hour, all within 24 h, turns take a round per message. */
function messageBatchTime(perFile: readonly FileEstimate[]): string {
  const batch = perFile.filter((f) => f.messageBatchRounds !== undefined);
  if (batch.length === 0) return '';
  const rounds = Math.max(...batch.map((f) => f.messageBatchRounds!));
  const conversations = batch.reduce((n, f) => n + f.conversations, 0);
  const wait =
    rounds === 1
      ? 'typically within an hour, 24 h at most'
      : `${rounds} rounds (turns: one batch round per message), each typically within an hour, 24 h at most`;
  return `; Message Batches (${conversations} conversations at 50 % of standard prices): ${wait}`;
}
