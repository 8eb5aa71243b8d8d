import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setMaxListeners } from 'node:events';
import Anthropic from '@anthropic-ai/sdk';
import { createAnthropicCaller } from '../../src/core/api/anthropic-caller';
import type { ChatMessage, ModelRequest } from '../../src/core/api/types';
import { systemClock } from '../../src/core/clock';
import { estimateRun } from '../../src/core/generate/estimate';
import { expandConversations, parsePromptFile } from '../../src/core/generate/prompt-file';
import { GenerationRun } from '../../src/core/generate/run/generation-run';
import { nextRequest } from '../../src/core/generate/strategies/next-request';
import type { ConversationSpec, PromptFile } from '../../src/core/generate/types';
import { createRateLimiter } from '../../src/core/limiter';
import { costOf, knownModelIds, resolveModel } from '../../src/core/models';
import { promptFileYaml, TOKENS_PER_MESSAGE, type CacheScenario } from './scenarios';

/** One client's run of a scenario against its own fresh simulator. */
export interface ClientRun {
  /** Conversations completed. */
  readonly conversations: number;
  /** The Forge estimate's cost for the run, when the client makes one. */
  readonly estimateUsd?: number;
  /** Seconds spent generating, when the client spends time on something else first (the estimate). */
  readonly generationSeconds?: number;
}

export interface CacheClient {
  readonly name: string;
  run(s: CacheScenario, url: string): Promise<ClientRun>;
}

const API_KEY = 'sk-ant-bench';

function promptFile(s: CacheScenario, cache: 'auto' | 'off', dir: string): PromptFile {
  const file = path.join(dir, `${s.name}.forge.yaml`);
  const models = knownModelIds();
  const parsed = parsePromptFile(promptFileYaml(s, cache), { file, workspaceRoot: dir, knownModel: (id) => models.includes(id) });
  if (!parsed.ok) throw new Error(`bench prompt file does not parse: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  return parsed.file;
}

/** Forge as the CLI runs it: GenerationRun with the limiter, the estimate first, datasets on disk. */
export function forge(cache: 'auto' | 'off'): CacheClient {
  return {
    name: cache === 'auto' ? 'Forge, cache auto' : 'Forge, cache: off',
    async run(s, url) {
      const dir = mkdtempSync(path.join(tmpdir(), 'forge-cache-bench-'));
      try {
        const file = promptFile(s, cache, dir);
        const caller = createAnthropicCaller({ apiKey: API_KEY, baseURL: url });
        const estimate = await estimateRun({
          specs: expandConversations(file),
          caller,
          priceOf: (model, usage) => costOf(resolveModel(model)!, usage),
          limits: () => s.limits,
          modelClassOf: (model) => resolveModel(model)!.modelClass,
          tokensPerMessage: TOKENS_PER_MESSAGE,
        });
        const limiter = createRateLimiter({ clock: systemClock, limits: () => s.limits, outputAccounting: 'actual' });
        const run = await GenerationRun.open([file], { clock: systemClock, caller, limiter, outDir: dir, simulated: true });
        try {
          run.addEstimate(estimate);
          const started = Date.now();
          const summary = await run.start();
          return { conversations: summary.generated, estimateUsd: estimate.costUsd, generationSeconds: (Date.now() - started) / 1000 };
        } finally {
          await run.close();
          run.dispose();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A peer client driving the same conversations by hand: every turn is one SDK call (default retries)
 * with Forge's prompts as they are without caching; `schedule` is the peer's way of pacing calls.
 */
function peer(name: string, makeSchedule: (s: CacheScenario) => Promise<<T>(task: () => Promise<T>) => Promise<T>>): CacheClient {
  return {
    name,
    async run(s, url) {
      const dir = mkdtempSync(path.join(tmpdir(), 'forge-cache-bench-'));
      try {
        const specs = expandConversations(promptFile(s, 'off', dir));
        const client = new Anthropic({ apiKey: API_KEY, baseURL: url });
        const controller = new AbortController();
        setMaxListeners(0, controller.signal);
        const schedule = await makeSchedule(s);
        const results = await Promise.allSettled(specs.map((spec) => converse(client, schedule, spec, controller.signal)));
        return { conversations: results.filter((r) => r.status === 'fulfilled').length };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function converse(
  client: Anthropic,
  schedule: <T>(task: () => Promise<T>) => Promise<T>,
  spec: ConversationSpec,
  signal: AbortSignal,
): Promise<void> {
  const transcript: ChatMessage[] = [];
  const steps = spec.strategy === 'single' ? 1 : spec.turns;
  for (let k = 0; k < steps; k++) {
    const r: ModelRequest = nextRequest(spec, transcript);
    const message = await schedule(() =>
      client.messages.create(
        { model: r.model, max_tokens: r.maxTokens, messages: r.messages, ...(r.system ? { system: r.system } : {}) },
        { signal },
      ),
    );
    const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    transcript.push({ role: k % 2 === 0 ? 'user' : 'assistant', content: text.trim() });
  }
}

/** p-queue with intervalCap = RPM / 60 per second (the common rate-limit recipe). */
export const pQueuePeer = peer('p-queue (RPM/60 per s)', async (s) => {
  const { default: PQueue } = await import('p-queue');
  const q = new PQueue({ intervalCap: Math.max(1, Math.floor(s.limits.requestsPerMinute / 60)), interval: 1000 });
  return <T>(task: () => Promise<T>) => q.add(task) as Promise<T>;
});

/** No pacing at all: every conversation sends its next turn at once; the SDK's retries absorb the 429s. */
export const sdkAlonePeer = peer(
  'SDK alone (no pacing)',
  async () =>
    <T>(task: () => Promise<T>) =>
      task(),
);
