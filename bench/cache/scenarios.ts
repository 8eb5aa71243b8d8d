import type { Limits } from '../../src/core/limiter/types';

/**
 * Prompt-caching scenarios: both bound by input tokens, so that what caching takes off ITPM shows up
 * as speed as well as price. Sized to run for about 10-30 s each without caching on 2 cores.
 */
export interface CacheScenario {
  readonly name: string;
  readonly summary: string;
  readonly strategy: 'single' | 'turns';
  readonly conversations: number;
  readonly turns: number;
  readonly maxTokens: number;
  /** The prompt file's `system` (shared by every conversation). */
  readonly system: string;
  readonly limits: Limits;
  readonly model: string;
}

const BACKGROUND_SENTENCE = 'The bike shop repairs city bikes, cargo bikes and racing bikes, and keeps spare parts for each. ';

/** ~`tokens` tokens of shared background (the simulator counts four characters a token). */
export function background(tokens: number): string {
  return BACKGROUND_SENTENCE.repeat(Math.ceil((tokens * 4) / BACKGROUND_SENTENCE.length));
}

export const CACHE_SCENARIOS: readonly CacheScenario[] = [
  {
    name: 'turns',
    summary: '30 conversations x 10 messages, ~1,000-token shared background, 400k ITPM binds',
    strategy: 'turns',
    conversations: 30,
    turns: 10,
    maxTokens: 1024,
    system: background(1000),
    limits: { requestsPerMinute: 4000, inputTokensPerMinute: 400_000, outputTokensPerMinute: 4_000_000 },
    model: 'claude-sonnet-5-5',
  },
  {
    name: 'single',
    summary: '40 conversations of 6 messages in one request each, ~3,000-token shared system prompt, 400k ITPM binds',
    strategy: 'single',
    conversations: 40,
    turns: 6,
    maxTokens: 4096,
    system: background(3000),
    limits: { requestsPerMinute: 4000, inputTokensPerMinute: 400_000, outputTokensPerMinute: 4_000_000 },
    model: 'claude-sonnet-5-5',
  },
];

/** The simulator for every run: ~60-token messages, ~0.3 s per turn, the documented 1 s short window. */
export const CACHE_SIM = {
  latency: { baseMs: 200, perOutputTokenMs: 1, jitterMs: 50 },
  output: { tokensPerMessage: 60, jitter: 0.2 },
} as const;

/** Tokens per generated message the estimate assumes: what the simulator is configured to write. */
export const TOKENS_PER_MESSAGE = CACHE_SIM.output.tokensPerMessage;

export function promptFileYaml(s: CacheScenario, cache: 'auto' | 'off'): string {
  const indent = (text: string) => text.replace(/^/gm, '  ');
  return [
    `name: bench-${s.name}-${cache}`,
    `model: ${s.model}`,
    `count: ${s.conversations}`,
    `turns: ${s.turns}`,
    `strategy: ${s.strategy}`,
    `max_tokens: ${s.maxTokens}`,
    `cache: ${cache}`,
    'system: |',
    indent(s.system.trim()),
    'prompt: |',
    '  A customer of the bike shop asks about {{topic}}.',
    'variables:',
    '  topic: [brakes, gears, tyres, chains, saddles, lights]',
    '',
  ].join('\n');
}
