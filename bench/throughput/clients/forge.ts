import { createAnthropicCaller } from '../../../src/core/api/anthropic-caller';
import { systemClock } from '../../../src/core/clock';
import { createRateLimiter } from '../../../src/core/limiter';
import { QueueProcessor } from '../../../src/core/queue/processor';
import type { Job } from '../../../src/core/queue/types';
import type { JobSpec } from '../jobs';
import type { HttpEvent } from '../recorder';
import { clientLimits } from '../scenarios';
import { API_KEY, type BenchClient, type ClientContext, type ClientFactory } from './types';

/**
 * Conversation Forge's engine as the product wires it: createRateLimiter with the scenario's limits
 * ('actual' output accounting, the CLI default), QueueProcessor with maxConcurrency left to derive
 * itself, backoff as GenerationRun sets it, createAnthropicCaller (streaming, maxRetries 0).
 */
export const forgeClient: ClientFactory = makeForgeClient('Conversation Forge');

/**
 * `paceSeconds` is the limiter's bucket size in seconds of refill (default 1). The `--what-if` row
 * sets it to the simulator's burst window (6 s), as if the limiter had learned the server's burst
 * from the first response's `remaining` header; the engine does not do that today.
 */
export function makeForgeClient(name: string, paceSeconds?: number, opts: { told?: boolean; reference?: boolean } = {}): ClientFactory {
  return {
    name,
    nativeSteps: true,
    ...(opts.reference ? { reference: true } : {}),
    // Forge is the subject: a longer leash, so it is measured to the end rather than extrapolated.
    timeCapMs: (ideal) => Math.round((3 * ideal.seconds + 5) * 1000),
    create(ctx: ClientContext): BenchClient {
      const { scenario, recorder, ideal } = ctx;
      const caller = createAnthropicCaller({ apiKey: API_KEY, baseURL: ctx.url, fetch: recorder.fetch });
      const limiter = createRateLimiter({
        clock: systemClock,
        // Not told (the scenario's default for everyone): the Start preset, as `convforge generate` assumes.
        limits: () => (opts.told ? scenario.limits : clientLimits(scenario)),
        // As `convforge generate` decides it: a preset nobody chose is a guess.
        limitsAssumed: () => !opts.told && scenario.told === false,
        // As a user sets --output-accounting to match the API: the scenario's simulator setting.
        outputAccounting: scenario.sim.outputAccounting ?? 'actual',
        ...(paceSeconds !== undefined ? { paceSeconds } : {}),
      });
      const processor = new QueueProcessor<JobSpec>({
        clock: systemClock,
        limiter,
        // GenerationRun's default (run-parts.ts), which the CLI and VS Code leave as it is.
        backoff: { baseMs: 500, maxMs: 60_000, jitter: Math.random },
        executor: async (job, { signal, onHeaders }) => {
          const body = job.data.body;
          const res = await caller.send({
            model: body.model,
            messages: body.messages,
            maxTokens: body.max_tokens,
            signal,
            ...(onHeaders ? { onHeaders } : {}),
          });
          // A `turns` conversation: each step is one request, the next only after this one answered.
          if (job.steps + 1 < job.data.steps)
            return {
              type: 'continue',
              usage: res.usage,
              headers: res.headers,
              next: { ...job.next, stepsLeft: job.data.steps - job.steps - 1 },
            };
          return { type: 'done', usage: res.usage, headers: res.headers };
        },
      });
      processor.on('succeeded', ({ job }) => recorder.success(job.id));
      processor.on('failed', ({ job }) => recorder.giveUp(job.id));

      // Concurrency over time: the ramp is what a high-latency scenario measures.
      const samples: { at: number; concurrency: number; active: number }[] = [];
      const sampler = setInterval(() => {
        const s = processor.stats;
        samples.push({ at: recorder.now(), concurrency: s.concurrency, active: s.active });
      }, 250);

      return {
        add(jobs) {
          processor.add(
            jobs.map((spec): Job<JobSpec> => ({
              id: spec.id,
              batchId: 'bench',
              priority: spec.priority,
              model: spec.body.model,
              modelClass: 'haiku',
              // What the pipeline sends: counted input, and the spec's expected answer size.
              next: {
                inputTokens: spec.inputTokens,
                maxTokens: spec.body.max_tokens,
                expectedOutputTokens: Math.round(ideal.meanOutputTokens),
                stepsLeft: spec.steps,
              },
              attempts: 0,
              steps: 0,
              state: 'queued',
              enqueuedAt: systemClock.now(),
              data: spec,
            })),
          );
        },
        async stop() {
          clearInterval(sampler);
          processor.dispose();
        },
        diagnostics() {
          const s = processor.stats;
          const peak = samples.reduce((m, x) => Math.max(m, x.concurrency), s.concurrency);
          const reached = samples.find((x) => x.concurrency >= peak);
          const at = (sec: number) => samples.filter((x) => x.at <= sec * 1000).at(-1)?.concurrency ?? 0;
          return {
            peakConcurrency: peak,
            secondsToPeakConcurrency: reached ? Math.round(reached.at / 100) / 10 : 0,
            concurrencyAt2s: at(2),
            concurrencyAt5s: at(5),
            concurrencyAt10s: at(10),
            retries: s.retries,
            // Faults answered before any generation (529, 500) or a dropped connection: the limiter keeps their request charged.
            chargedFaults: recorder.http.filter((h) => h.status === 529 || h.status === 500 || h.status === 'error').length,
            // Not told: only the probe goes out until the first headers, so the second request starts when they arrived.
            ...(!opts.told && scenario.told === false ? { probeSeconds: probeEnd(recorder.http) } : {}),
            rateLimitPauses: s.rateLimited,
            stateAtEnd: `${s.state} queued=${s.queuedTotal} active=${s.active} retryWaiting=${s.retryWaiting} failed=${s.failed}`,
          };
        },
      };
    },
  };
}

/** Seconds from the start to the second request (when the probe's headers let the rest go); 0 if there was none. */
function probeEnd(http: readonly HttpEvent[]): number {
  const starts = http.map((h) => h.at).sort((a, b) => a - b);
  return starts.length > 1 ? Math.round(starts[1]! / 10) / 100 : 0;
}
