import { setMaxListeners } from 'node:events';
import Anthropic from '@anthropic-ai/sdk';
import type { JobSpec } from '../jobs';
import { API_KEY, defaultCap, type BenchClient, type ClientContext, type ClientFactory } from './types';

/** What most hand-written code does: the SDK with its default retries (2) and three workers on a FIFO list. */
const WORKERS = 3;

export const sdkAloneClient: ClientFactory = {
  name: 'SDK alone (3 workers)',
  timeCapMs: (ideal) => defaultCap(ideal),
  create(ctx: ClientContext): BenchClient {
    const client = new Anthropic({ apiKey: API_KEY, baseURL: ctx.url, fetch: ctx.recorder.fetch });
    const pending: JobSpec[] = [];
    const controller = new AbortController();
    // One signal shared by every request of the run.
    setMaxListeners(0, controller.signal);
    let running = 0;

    const work = async (): Promise<void> => {
      running++;
      try {
        for (let job = pending.shift(); job && !controller.signal.aborted; job = pending.shift()) {
          try {
            await client.messages.create(job.body, { signal: controller.signal });
            ctx.recorder.success(job.id);
          } catch {
            if (!controller.signal.aborted) ctx.recorder.giveUp(job.id);
          }
        }
      } finally {
        running--;
      }
    };

    return {
      add(jobs) {
        pending.push(...jobs);
        while (running < WORKERS && pending.length > 0) void work();
      },
      async stop() {
        controller.abort();
      },
    };
  },
};
