import { setMaxListeners } from 'node:events';
import Anthropic from '@anthropic-ai/sdk';
import { clientLimits } from '../scenarios';
import { API_KEY, defaultCap, type BenchClient, type ClientContext, type ClientFactory } from './types';

/**
 * p-queue with intervalCap = RPM / 60 per 1,000 ms interval (the README's rate-limit recipe), no
 * concurrency cap, the SDK's default retries underneath. Priorities are p-queue's (higher first).
 */
const PRIORITY = { high: 2, normal: 1, low: 0 } as const;

export const pQueueClient: ClientFactory = {
  name: 'p-queue (RPM/60 per s)',
  timeCapMs: (ideal) => defaultCap(ideal),
  create(ctx: ClientContext): BenchClient {
    const rpm = clientLimits(ctx.scenario).requestsPerMinute;
    const client = new Anthropic({ apiKey: API_KEY, baseURL: ctx.url, fetch: ctx.recorder.fetch });
    const controller = new AbortController();
    // One signal shared by every request of the run.
    setMaxListeners(0, controller.signal);
    // p-queue 9 is ESM-only: loaded on first use.
    const queue = import('p-queue').then(
      ({ default: PQueue }) => new PQueue({ intervalCap: Math.max(1, Math.floor(rpm / 60)), interval: 1000 }),
    );
    return {
      add(jobs) {
        void queue.then((q) => {
          for (const job of jobs) {
            q.add(() => client.messages.create(job.body, { signal: controller.signal }), { priority: PRIORITY[job.priority] }).then(
              () => ctx.recorder.success(job.id),
              () => {
                if (!controller.signal.aborted) ctx.recorder.giveUp(job.id);
              },
            );
          }
        });
      },
      async stop() {
        controller.abort();
        (await queue).clear();
      },
    };
  },
};
