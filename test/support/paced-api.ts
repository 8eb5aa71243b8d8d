import type { ModelCaller, ModelRequest, ModelResponse, TokenCountRequest } from '../../src/core/api/types';
import type { Limits } from '../../src/core/limiter/types';
import type { FakeClock } from './fake-clock';
import { headersOf } from './fake-caller';

export interface PacedApiOptions {
  clock: FakeClock;
  /** How long every request takes on the fake clock. */
  latencyMs: number;
  /** What the server enforces and reports in its headers (change `limits` mid-run to move them). */
  limits: Limits;
  /** Output tokens of one answer: a whole `single` conversation, or one `turns` message. */
  outputTokens: { single: number; turns: number };
}

const DIMENSIONS = [
  ['requests', 'requestsPerMinute'],
  ['input-tokens', 'inputTokensPerMinute'],
  ['output-tokens', 'outputTokensPerMinute'],
] as const;

/**
 * A Messages API on the fake clock: answers every request after `latencyMs` with a valid reply
 * (a JSON conversation for `single`, one message for `turns`) and rate-limit headers read from
 * continuously refilled per-minute buckets, so the real limiter learns and paces against it.
 */
export class PacedApi implements ModelCaller {
  limits: Limits;
  sent = 0;
  private readonly level: number[];
  private updatedAt: number;

  constructor(private readonly options: PacedApiOptions) {
    this.limits = { ...options.limits };
    this.level = DIMENSIONS.map(([, key]) => this.limits[key]);
    this.updatedAt = options.clock.now();
  }

  async send(request: ModelRequest): Promise<ModelResponse> {
    this.sent++;
    const clock = this.options.clock;
    const content = request.messages.at(-1)?.content ?? '';
    const asked = /exactly (\d+) messages/.exec(content);
    const output = asked ? this.options.outputTokens.single : this.options.outputTokens.turns;
    const input = tokensOf(request.system ?? '') + request.messages.reduce((n, m) => n + tokensOf(m.content), 0);
    this.refill(clock.now());
    [1, input, output].forEach((used, i) => (this.level[i]! -= used));
    await new Promise<void>((resolve) => clock.setTimeout(resolve, this.options.latencyMs));
    const reset = new Date(clock.now() + 60_000).toISOString();
    const headers: Record<string, string> = {};
    DIMENSIONS.forEach(([name, key], i) => {
      headers[`anthropic-ratelimit-${name}-limit`] = String(this.limits[key]);
      headers[`anthropic-ratelimit-${name}-remaining`] = String(Math.max(0, Math.floor(this.level[i]!)));
      headers[`anthropic-ratelimit-${name}-reset`] = reset;
    });
    const text = asked
      ? JSON.stringify({ messages: alternating(Number(asked[1])) })
      : `Message ${this.sent} about tea, kites and rivers, with a little more to say.`;
    return {
      text,
      stopReason: 'end_turn',
      usage: { inputTokens: input, outputTokens: output, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      headers: headersOf(headers),
      model: request.model,
    };
  }

  async countTokens(request: TokenCountRequest): Promise<number> {
    return tokensOf(request.system ?? '') + request.messages.reduce((n, m) => n + tokensOf(m.content), 0);
  }

  private refill(now: number): void {
    const minutes = (now - this.updatedAt) / 60_000;
    this.updatedAt = now;
    DIMENSIONS.forEach(([, key], i) => {
      this.level[i] = Math.min(this.limits[key], this.level[i]! + this.limits[key] * minutes);
    });
  }
}

function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

function alternating(n: number): { role: 'user' | 'assistant'; content: string }[] {
  return Array.from({ length: n }, (_, i) => ({
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: i % 2 === 0 ? `Question number ${i / 2 + 1} about my kite?` : `Here is answer ${(i + 1) / 2}, about kites.`,
  }));
}
