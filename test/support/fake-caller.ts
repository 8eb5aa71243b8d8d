import type { ModelCaller, ModelRequest, ModelResponse, TokenCountRequest } from '../../src/core/api/types';
import type { HeaderSource } from '../../src/core/errors';
import type { Usage } from '../../src/core/usage';

/** One scripted answer: a reply (fields default), an error to throw, or a function of the request. */
export type ScriptStep =
  | (Partial<Omit<ModelResponse, 'usage'>> & { usage?: Partial<Usage> })
  | Error
  | ((request: ModelRequest) => ModelResponse | Promise<ModelResponse>);

export function headersOf(values: Record<string, string> = {}): HeaderSource {
  const lower = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => lower.get(name.toLowerCase()) ?? null };
}

export function usageOf(partial: Partial<Usage> = {}): Usage {
  return { inputTokens: 10, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, ...partial };
}

/**
 * A ModelCaller that answers from a script, in order, and records every request it was given
 * (as sent, signal included) so tests can assert on what would have gone over the wire.
 */
export class FakeCaller implements ModelCaller {
  readonly requests: ModelRequest[] = [];
  readonly countRequests: TokenCountRequest[] = [];
  private readonly script: ScriptStep[];

  constructor(
    script: ScriptStep[] = [],
    /** count_tokens answer; defaults to characters / 4. */
    private readonly counter: (request: TokenCountRequest) => number = (r) =>
      Math.ceil(((r.system?.length ?? 0) + r.messages.reduce((n, m) => n + m.content.length, 0)) / 4),
  ) {
    this.script = [...script];
  }

  /** Queue more answers. */
  push(...steps: ScriptStep[]): this {
    this.script.push(...steps);
    return this;
  }

  get remaining(): number {
    return this.script.length;
  }

  async send(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(request);
    const step = this.script.shift();
    if (step === undefined) throw new Error(`FakeCaller: no scripted answer for request ${this.requests.length}`);
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(request);
    return {
      text: step.text ?? '',
      stopReason: step.stopReason === undefined ? 'end_turn' : step.stopReason,
      usage: usageOf(step.usage),
      headers: step.headers ?? headersOf({ 'request-id': `req_${this.requests.length}` }),
      model: step.model ?? request.model,
      ...(step.requestId ? { requestId: step.requestId } : {}),
    };
  }

  async countTokens(request: TokenCountRequest): Promise<number> {
    this.countRequests.push(request);
    return this.counter(request);
  }
}
