import { sleep } from '../../../src/core/clock';
import { QueueProcessor } from '../../../src/core/queue/processor';
import type { ProcessorOptions } from '../../../src/core/queue/processor-options';
import type { Executor, Job, Priority, StepContext, StepResult } from '../../../src/core/queue/types';
import type { Usage } from '../../../src/core/usage';
import { FakeClock } from '../../support/fake-clock';
import { FakeLimiter } from '../../support/fake-limiter';

export const USAGE: Usage = { inputTokens: 100, outputTokens: 50, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

export function makeJob(id: string, opts: { priority?: Priority; batchId?: string; at?: number; modelClass?: string } = {}): Job<null> {
  const modelClass = opts.modelClass ?? 'haiku';
  return {
    id,
    batchId: opts.batchId ?? 'b',
    priority: opts.priority ?? 'normal',
    model: `claude-${modelClass}-5-5`,
    modelClass,
    next: { inputTokens: 100, maxTokens: 1000 },
    attempts: 0,
    steps: 0,
    state: 'queued',
    enqueuedAt: opts.at ?? 0,
    data: null,
  };
}

/** An SDK-like API error. */
export function apiError(status: number, headers: Record<string, string> = {}, errorCode?: string): Error {
  return Object.assign(new Error(`status ${status}`), { status, headers: new Headers(headers), ...(errorCode ? { errorCode } : {}) });
}

export type Behaviour = (job: Job<null>, ctx: StepContext, call: number) => StepResult | Error | undefined;

/** An executor that takes `latencyMs` of fake time, then answers what `behaviour` says (default: done). */
export function fakeExecutor(clock: FakeClock, latencyMs: number, behaviour: Behaviour = () => undefined) {
  const calls: { id: string; attempt: number; at: number }[] = [];
  let active = 0;
  let peak = 0;
  const signals: AbortSignal[] = [];
  const executor: Executor<null> = async (job, ctx) => {
    calls.push({ id: job.id, attempt: ctx.attempt, at: clock.now() });
    const call = calls.length;
    signals.push(ctx.signal);
    active++;
    peak = Math.max(peak, active);
    try {
      await sleep(clock, latencyMs, ctx.signal);
      const answer = behaviour(job, ctx, call);
      if (answer instanceof Error) throw answer;
      return answer ?? { type: 'done', usage: USAGE };
    } finally {
      active--;
    }
  };
  return { executor, calls, signals, peak: () => peak, active: () => active };
}

export function setup(latencyMs: number, behaviour?: Behaviour, extra: Partial<ProcessorOptions<null>> = {}) {
  const clock = new FakeClock(0);
  const limiter = new FakeLimiter(clock);
  const exec = fakeExecutor(clock, latencyMs, behaviour);
  const processor = new QueueProcessor<null>({
    clock,
    limiter,
    executor: exec.executor,
    maxConcurrency: 1,
    backoff: { baseMs: 1000, maxMs: 30_000, jitter: () => 0.5 },
    ...extra,
  });
  const events: string[] = [];
  for (const type of [
    'queued',
    'started',
    'step',
    'succeeded',
    'retrying',
    'failed',
    'cancelled',
    'paused',
    'resumed',
    'stopped',
    'idle',
  ] as const) {
    processor.on(type, () => events.push(type));
  }
  return { clock, limiter, processor, events, ...exec };
}
