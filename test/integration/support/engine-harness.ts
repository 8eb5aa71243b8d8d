import { createAnthropicCaller } from '../../../src/core/api/anthropic-caller';
import type { ChatMessage } from '../../../src/core/api/types';
import { systemClock } from '../../../src/core/clock';
import { classify } from '../../../src/core/errors';
import { createRateLimiter, type RateLimiterOptions } from '../../../src/core/limiter/rate-limiter';
import type { Limits, RateLimiter } from '../../../src/core/limiter/types';
import { QueueProcessor } from '../../../src/core/queue/processor';
import type { ProcessorOptions } from '../../../src/core/queue/processor-options';
import type { Executor, Job } from '../../../src/core/queue/types';
import { countInputTokens, startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../../src/sim';

/**
 * The real engine wired end to end in real time: QueueProcessor + createRateLimiter (system clock)
 * + createAnthropicCaller (the real SDK) against the simulator on loopback. Every messages request
 * the client starts is logged (time, job) so tests can check what reached the wire and when.
 */
export const API_KEY = 'sk-ant-sim-test';
export const MODEL = 'claude-haiku-5-5';
export const MODEL_CLASS = 'haiku';

export interface SimJobData {
  readonly prompt: string;
  readonly maxTokens: number;
}

export interface WireRequest {
  /** Epoch ms at which the client started the request. */
  readonly at: number;
  /** The response's HTTP status, once its headers arrived (none for a request that got no answer). */
  status?: number;
}

export interface HarnessOptions {
  /** Limits of the simulator AND (equal) of the limiter. */
  limits: Limits;
  sim?: Omit<SimulatorOptions, 'limits'>;
  limiter?: Partial<Omit<RateLimiterOptions, 'clock' | 'limits'>>;
  processor?: Partial<Omit<ProcessorOptions<SimJobData>, 'clock' | 'limiter' | 'executor'>>;
  stream?: boolean;
}

export interface Harness {
  readonly sim: SimulatorHandle;
  readonly limiter: RateLimiter;
  readonly processor: QueueProcessor<SimJobData>;
  /** Messages requests in the order the client started them. */
  readonly wire: WireRequest[];
  /** Headers of every messages response the client received, by its request-id. */
  readonly responseHeaders: Map<string, Headers>;
  /** Completions per job id (executor returned done). */
  readonly completions: Map<string, number>;
  /** `succeeded` events per job id. */
  readonly succeeded: Map<string, number>;
  /** Errors the executor saw, with the time it saw them. */
  readonly errors: { at: number; jobId: string; kind: string }[];
  /** Every processor event, in order, with its time. */
  readonly events: { at: number; type: string; detail?: unknown }[];
  close(): Promise<void>;
}

const WORDS = 'the quick brown fox jumps over a lazy dog while seven tall sailors sing '.split(' ');

/** A prompt of about `tokens` input tokens (by the simulator's counting rule). */
export function promptOf(tokens: number, seed: number): string {
  let text = `Conversation ${seed}:`;
  for (let i = 0; text.length < tokens * 4; i++) text += ` ${WORDS[(seed + i) % WORDS.length]}`;
  return text;
}

export function makeJobs(
  count: number,
  opts: { promptTokens?: number; maxTokens?: number; expectedOutputTokens?: number } = {},
): Job<SimJobData>[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const prompt = promptOf(opts.promptTokens ?? 20, i);
    const maxTokens = opts.maxTokens ?? 256;
    const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
    return {
      id: `job-${i}`,
      batchId: `batch-${i % 3}`,
      priority: 'normal',
      model: MODEL,
      modelClass: MODEL_CLASS,
      // Exact: the simulator's own counting rule, as count_tokens would report it.
      next: { inputTokens: countInputTokens({ messages }), maxTokens, expectedOutputTokens: opts.expectedOutputTokens ?? 80 },
      attempts: 0,
      steps: 0,
      state: 'queued',
      enqueuedAt: now,
      data: { prompt, maxTokens },
    } satisfies Job<SimJobData>;
  });
}

const EVENT_TYPES = [
  'queued',
  'started',
  'step',
  'succeeded',
  'retrying',
  'failed',
  'cancelled',
  'paused',
  'resumed',
  'health',
  'stopped',
  'idle',
  'state',
] as const;

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const sim = await startSimulator({
    seed: 11,
    burstSeconds: 1,
    latency: { baseMs: 20, perOutputTokenMs: 0.2, jitterMs: 10 },
    ...options.sim,
    limits: { default: options.limits },
  });
  const wire: WireRequest[] = [];
  const completions = new Map<string, number>();
  const succeeded = new Map<string, number>();
  const errors: Harness['errors'] = [];
  const events: Harness['events'] = [];
  const responseHeaders = new Map<string, Headers>();
  const loggingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.endsWith('/v1/messages')) return fetch(input, init);
    const request: WireRequest = { at: Date.now() };
    wire.push(request);
    const response = await fetch(input, init);
    request.status = response.status;
    const requestId = response.headers.get('request-id');
    if (requestId) responseHeaders.set(requestId, response.headers);
    return response;
  };
  const caller = createAnthropicCaller({ apiKey: API_KEY, baseURL: sim.url, stream: options.stream ?? true, fetch: loggingFetch });
  const executor: Executor<SimJobData> = async (job, ctx) => {
    try {
      const response = await caller.send({
        model: job.model,
        messages: [{ role: 'user', content: job.data.prompt }],
        maxTokens: job.data.maxTokens,
        signal: ctx.signal,
        // As the product's executor does: the limiter learns when a stream starts.
        ...(ctx.onHeaders ? { onHeaders: ctx.onHeaders } : {}),
      });
      completions.set(job.id, (completions.get(job.id) ?? 0) + 1);
      return { type: 'done', usage: response.usage, headers: response.headers };
    } catch (err) {
      errors.push({ at: Date.now(), jobId: job.id, kind: classify(err, ctx.signal).kind });
      throw err;
    }
  };
  const limiter = createRateLimiter({
    clock: systemClock,
    limits: () => options.limits,
    outputAccounting: 'actual',
    recoveryMs: 3000,
    ...options.limiter,
  });
  const processor = new QueueProcessor<SimJobData>({
    clock: systemClock,
    limiter,
    executor,
    maxConcurrency: 32,
    initialConcurrency: 4,
    maxAttempts: 8,
    backoff: { baseMs: 50, maxMs: 800, jitter: () => 0.5 },
    ...options.processor,
  });
  for (const type of EVENT_TYPES) {
    processor.on(type, (e: unknown) => events.push({ at: Date.now(), type, detail: e }));
  }
  processor.on('succeeded', (e) => succeeded.set(e.job.id, (succeeded.get(e.job.id) ?? 0) + 1));
  return {
    sim,
    limiter,
    processor,
    wire,
    responseHeaders,
    completions,
    succeeded,
    errors,
    events,
    async close() {
      processor.dispose();
      await sim.close();
    },
  };
}

/** Polls `done` every 10 ms until true, or throws after `timeoutMs` with `what` in the message. */
export async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * How long a test waits for a run in real time before calling it hung. Runs take seconds; the
 * margin is for a busy 2-core machine, where the same run can take several times as long.
 */
export const PATIENCE_MS = 90_000;
/** Mocha's timeout for tests that wait up to PATIENCE_MS, with room for their setup and checks. */
export const TEST_TIMEOUT_MS = 2 * PATIENCE_MS;

/** Resolves when the processor comes to rest, or rejects after `timeoutMs`. */
export async function runToRest(processor: QueueProcessor<SimJobData>, timeoutMs = PATIENCE_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      processor.onIdle(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`processor not at rest after ${timeoutMs} ms: ${JSON.stringify(processor.stats)}`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Requests per minute sustained over the run: the first `burst` requests (what a full bucket lets
 * through at once) are taken out, so only the paced part counts.
 */
export function pacedRatePerMinute(wire: readonly WireRequest[], burst: number): number {
  if (wire.length < 2) return 0;
  const span = wire.at(-1)!.at - wire[0]!.at;
  return span > 0 ? (Math.max(0, wire.length - 1 - burst) / span) * 60_000 : 0;
}

/** The most requests started in any window of `windowMs`. */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  let peak = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}
