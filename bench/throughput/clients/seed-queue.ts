import { setMaxListeners } from 'node:events';
import Anthropic from '@anthropic-ai/sdk';
import type { JobSpec } from '../jobs';
import { API_KEY, type BenchClient, type ClientContext, type ClientFactory } from './types';

/**
 * The seed's queue (seeds/004): one request at a time, 1.5 s between requests, FIFO, the SDK's default
 * retries. (The seed also adds 200 ms per queued request up to 10 s; this keeps the flat 1.5 s, which
 * flatters it.) It is slow by design, so it runs for a fixed 9 s and its time is extrapolated.
 */
const SPACING_MS = 1500;
const CAP_MS = 9_000;

export const seedQueueClient: ClientFactory = {
  name: 'seed queue (1 at a time, 1.5 s)',
  timeCapMs: () => CAP_MS,
  create(ctx: ClientContext): BenchClient {
    const client = new Anthropic({ apiKey: API_KEY, baseURL: ctx.url, fetch: ctx.recorder.fetch });
    const pending: JobSpec[] = [];
    const controller = new AbortController();
    // One signal shared by every request of the run.
    setMaxListeners(0, controller.signal);
    let running = false;
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

    const loop = async (): Promise<void> => {
      running = true;
      for (let job = pending.shift(); job && !controller.signal.aborted; job = pending.shift()) {
        try {
          await client.messages.create(job.body, { signal: controller.signal });
          ctx.recorder.success(job.id);
        } catch {
          if (!controller.signal.aborted) ctx.recorder.giveUp(job.id);
        }
        if (pending.length > 0) await sleep(SPACING_MS);
      }
      running = false;
    };

    return {
      add(jobs) {
        pending.push(...jobs);
        if (!running) void loop();
      },
      async stop() {
        controller.abort();
      },
    };
  },
};
