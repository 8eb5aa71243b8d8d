import { setMaxListeners } from 'node:events';
import Anthropic from '@anthropic-ai/sdk';
import Bottleneck from 'bottleneck';
import { clientLimits } from '../scenarios';
import { API_KEY, defaultCap, type BenchClient, type ClientContext, type ClientFactory } from './types';

/**
 * bottleneck as its README configures a per-minute API limit: reservoir = RPM refreshed every minute,
 * minTime = 60,000 / RPM, no concurrency cap (so latency never holds it back), the SDK's default
 * retries underneath. It knows nothing of token limits or headers.
 */
const PRIORITY = { high: 1, normal: 5, low: 8 } as const;

export const bottleneckClient: ClientFactory = {
  name: 'bottleneck (RPM)',
  timeCapMs: (ideal) => defaultCap(ideal),
  create(ctx: ClientContext): BenchClient {
    const rpm = clientLimits(ctx.scenario).requestsPerMinute;
    const client = new Anthropic({ apiKey: API_KEY, baseURL: ctx.url, fetch: ctx.recorder.fetch });
    const limiter = new Bottleneck({
      reservoir: rpm,
      reservoirRefreshAmount: rpm,
      reservoirRefreshInterval: 60_000,
      minTime: 60_000 / rpm,
      maxConcurrent: null,
    });
    const controller = new AbortController();
    // One signal shared by every request of the run.
    setMaxListeners(0, controller.signal);
    return {
      add(jobs) {
        for (const job of jobs) {
          limiter
            .schedule({ priority: PRIORITY[job.priority], id: job.id }, () =>
              client.messages.create(job.body, { signal: controller.signal }),
            )
            .then(
              () => ctx.recorder.success(job.id),
              () => {
                if (!controller.signal.aborted) ctx.recorder.giveUp(job.id);
              },
            );
        }
      },
      async stop() {
        controller.abort();
        await limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
      },
    };
  },
};
