import type { IncomingMessage, ServerResponse } from 'node:http';
import { sleep } from '../core/clock';
import { failure, type ApiFailure } from './api-failure';
import { rejectionMessage } from './class-limiter';
import { overloaded } from './faults';
import { apiKeyOf, newId, readBody, sendFailure, sendJson } from './http-io';
import { FALLBACK_CLASS, modelInfo, type ModelClass } from './models';
import type { SimState } from './sim-state';
import { writeStream } from './sse';
import { synthesizeAnswer, type SynthAnswer } from './synth';
import { answerRng } from './answer-rng';
import type { CacheUse } from './cache-counters';
import { countInputTokens } from './tokens';
import { isFailure, validateRequest, type ValidRequest } from './validate';

/**
 * POST /v1/messages and POST /v1/messages/count_tokens: auth, validation, faults, rate limits,
 * synthetic answer, latency — in the order the real API applies them.
 */
export interface RequestContext {
  readonly requestId: string;
  /** Aborted when the client goes away; pending waits stop. */
  readonly signal: AbortSignal;
  /** Destroys the socket without an answer (connection_reset fault). */
  readonly reset: () => void;
}

function fail(state: SimState, res: ServerResponse, ctx: RequestContext, f: ApiFailure, cls: ModelClass): void {
  sendFailure(res, f, ctx.requestId, state.limiter(cls).headers(state.clock.now()));
}

/** Auth, version header, body size, JSON and schema: what every endpoint checks first. */
async function parseRequest(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  forCount: boolean,
): Promise<ValidRequest | undefined> {
  const key = apiKeyOf(req);
  if (key === undefined || (state.acceptKey && !state.acceptKey(key))) {
    const message = key === undefined ? 'x-api-key header is required' : 'invalid x-api-key';
    fail(state, res, ctx, failure(401, 'authentication_error', message), FALLBACK_CLASS);
    return undefined;
  }
  const version = req.headers['anthropic-version'];
  if (typeof version !== 'string' || version === '') {
    fail(state, res, ctx, failure(400, 'invalid_request_error', 'anthropic-version: header is required'), FALLBACK_CLASS);
    return undefined;
  }
  const body = await readBody(req, state.config.maxBodyBytes);
  if (!body.ok) {
    const f = failure(413, 'request_too_large', `Request exceeds the maximum allowed number of bytes (${state.config.maxBodyBytes}).`);
    fail(state, res, ctx, f, FALLBACK_CLASS);
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    fail(
      state,
      res,
      ctx,
      failure(400, 'invalid_request_error', 'There was an error parsing the body of your request as JSON'),
      FALLBACK_CLASS,
    );
    return undefined;
  }
  const valid = validateRequest(json, version, forCount);
  if (isFailure(valid)) {
    const model = (json as { model?: unknown } | null)?.model;
    fail(state, res, ctx, valid, typeof model === 'string' ? (modelInfo(model)?.modelClass ?? FALLBACK_CLASS) : FALLBACK_CLASS);
    return undefined;
  }
  return valid;
}

export async function handleCountTokens(state: SimState, req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
  const valid = await parseRequest(state, req, res, ctx, true);
  if (!valid) return;
  state.stats.countTokens();
  const now = state.clock.now();
  const wait = state.countTokensBucket.waitFor(1, now);
  if (wait > 0) {
    const limit = state.countTokensBucket.limit;
    const f = failure(
      429,
      'rate_limit_error',
      `This request would exceed your organization's rate limit of ${limit} token counting requests per minute.`,
      {
        retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)),
      },
    );
    fail(state, res, ctx, f, valid.modelClass);
    return;
  }
  state.countTokensBucket.take(1, now);
  const latency = state.config.latency.countTokensMs;
  if (latency > 0) {
    try {
      await sleep(state.clock, latency, ctx.signal);
    } catch {
      return; // the client hung up while it waited
    }
  }
  sendJson(
    res,
    200,
    { input_tokens: countInputTokens(valid.body) },
    {
      ...state.limiter(valid.modelClass).headers(now),
      'request-id': ctx.requestId,
    },
  );
}

export async function handleMessages(state: SimState, req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
  const valid = await parseRequest(state, req, res, ctx, false);
  if (!valid) return;
  const cls = valid.modelClass;
  state.stats.modelRequest(cls);

  const now = state.clock.now();
  const decision = state.faults.decide(state.config.faults, valid.stream, now);
  if (decision.kind === 'reset') {
    ctx.reset();
    return;
  }
  if (decision.kind === 'fail') {
    if (decision.failure.status === 429) state.stats.modelRateLimited(cls);
    fail(state, res, ctx, decision.failure, cls);
    return;
  }

  const cachePlan = state.promptCache.plan(valid.blocks, valid.minCacheTokens, now);
  const inputTokens = cachePlan.uncachedTokens;
  const cacheUse = { readTokens: cachePlan.readTokens, write5m: cachePlan.write5m, write1h: cachePlan.write1h };
  const accounting = state.config.outputAccounting;
  const limiter = state.limiter(cls);
  // ITPM counts input and cache writes; cache reads are free of it (API-FACTS, Rate limits).
  const rejection = limiter.admit(inputTokens + cachePlan.write5m + cachePlan.write1h, valid.maxTokens, accounting, now);
  if (rejection) {
    state.stats.modelRateLimited(cls);
    const f = failure(429, 'rate_limit_error', rejectionMessage(rejection, cls), { retryAfterSeconds: rejection.retryAfterSeconds });
    fail(state, res, ctx, f, cls);
    return;
  }
  // The TTL runs from the start of the request; what it writes is usable once its response begins.
  state.promptCache.commit(cachePlan, valid.blocks, now);
  let begun = false;
  const begin = () => {
    begun = true;
    state.promptCache.ready(cachePlan);
  };

  const answer = synthesizeAnswer(
    answerRng(state.seed, valid.body),
    state.config.output,
    valid.lastUserText,
    valid.maxTokens,
    state.config.thinking,
  );
  const slow = decision.kind === 'slow' ? state.config.faults.slowFactor : 1;
  const firstTokenMs = state.jitter(state.config.latency.baseMs) * slow;
  const generationMs = state.config.latency.perOutputTokenMs * answer.outputTokens * slow;
  const reserved = accounting === 'reserve' ? valid.maxTokens : 0;
  let charged = false;
  const charge = (outputTokens: number, complete: boolean) => {
    if (charged) return;
    charged = true;
    limiter.chargeOutput(outputTokens, reserved, state.clock.now());
    state.stats.served(cls, inputTokens, outputTokens, complete, cacheUse);
  };
  // a client that hangs up still pays for what the model generated
  ctx.signal.addEventListener(
    'abort',
    () => {
      if (!begun) state.promptCache.abandon(cachePlan);
      charge(answer.outputTokens, false);
    },
    { once: true },
  );

  try {
    if (!valid.stream) {
      if (firstTokenMs > 0) await sleep(state.clock, firstTokenMs, ctx.signal);
      begin();
      if (generationMs > 0) await sleep(state.clock, generationMs, ctx.signal);
      charge(answer.outputTokens, true);
      sendJson(res, 200, messageBody(newId('msg'), valid.model, usageOf(inputTokens, cacheUse, answer.outputTokens), answer), {
        ...limiter.headers(state.clock.now()),
        'request-id': ctx.requestId,
      });
      return;
    }
    if (firstTokenMs > 0) await sleep(state.clock, firstTokenMs, ctx.signal);
    begin();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...limiter.headers(state.clock.now()),
      'request-id': ctx.requestId,
    });
    const result = await writeStream(res, {
      id: newId('msg'),
      model: valid.model,
      requestId: ctx.requestId,
      usage: (output: number) => usageOf(inputTokens, cacheUse, output),
      answer,
      generationMs,
      clock: state.clock,
      signal: ctx.signal,
      ...(decision.kind === 'midstream' ? { breakAfter: { deltas: state.config.faults.midstreamDeltas, failure: overloaded() } } : {}),
    });
    if (result.broken) state.stats.streamError();
    charge(result.outputTokens, !result.broken);
  } catch (err) {
    if (!ctx.signal.aborted) throw err;
  }
}

/** The `usage` object of the Messages API, cache fields and the TTL split included. */
export function usageOf(inputTokens: number, cache: CacheUse, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: cache.write5m + cache.write1h,
    cache_read_input_tokens: cache.readTokens,
    cache_creation: { ephemeral_5m_input_tokens: cache.write5m, ephemeral_1h_input_tokens: cache.write1h },
  };
}

function messageBody(id: string, model: string, usage: Record<string, unknown>, answer: SynthAnswer): unknown {
  const content: unknown[] = [];
  if (answer.thinking) content.push({ type: 'thinking', thinking: answer.thinking.thinking, signature: answer.thinking.signature });
  if (answer.text !== '' || !answer.thinking) content.push({ type: 'text', text: answer.text });
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: answer.stopReason,
    stop_sequence: null,
    usage,
  };
}
