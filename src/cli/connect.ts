import { homedir } from 'node:os';
import type { ModelCaller } from '../core/api/types';
import type { MessageBatchApi } from '../core/api/message-batch-api';
import { systemClock } from '../core/clock';
import { defaultStateDir, type SharingSettings } from '../core/limiter/sharing';
import type { Limits, RateLimiter } from '../core/limiter/types';
import { MODEL_CLASSES } from '../core/models';
import {
  apiEndpoint,
  createCallerFor,
  createMessageBatchApiFor,
  limitsOf as configuredLimits,
  openLimiterFor,
  openSimulatorEndpoint,
  type Endpoint,
} from '../engine';
import type { SimulatorHandle } from '../sim';
import { UsageError, type CliArgs } from './args';

export interface Connection {
  caller: ModelCaller;
  /** The Message Batches API at the same endpoint (batch-mode files). */
  messageBatches: MessageBatchApi;
  limiter: RateLimiter;
  limitsOf: (modelClass: string) => Limits;
  simulated: boolean;
  /** Where requests go, for messages. */
  endpoint: string;
  simulator?: SimulatorHandle;
  close(): Promise<void>;
}

/** --no-share, else --redis, else CONVFORGE_REDIS_URL, else this machine's state folder. */
export function sharingFrom(args: Pick<CliArgs, 'noShare' | 'redis'>, env: NodeJS.ProcessEnv): SharingSettings {
  if (args.noShare) return { mode: 'off' };
  if (args.redis) return { mode: 'redis', url: args.redis, source: '--redis' };
  const fromEnv = env['CONVFORGE_REDIS_URL']?.trim();
  if (fromEnv) return { mode: 'redis', url: fromEnv, source: 'CONVFORGE_REDIS_URL' };
  return { mode: 'local', stateDir: defaultStateDir(env, process.platform, homedir()) };
}

/**
 * The API connection for a command: the real API (key and endpoint from the SDK's own
 * environment variables) or, with --simulate, the built-in simulator with the same limits.
 * Endpoints are opened by the engine entry (src/engine), as VS Code opens them.
 */
export async function connect(args: CliArgs, env: NodeJS.ProcessEnv, notice?: (message: string) => void): Promise<Connection> {
  const limitsOf = (modelClass: string) => configuredLimits(args.limits, modelClass);
  for (const c of MODEL_CLASSES) limitsOf(c); // validates the flags before anything starts
  const settings = { limits: args.limits, outputAccounting: args.outputAccounting, sharing: sharingFrom(args, env) };
  const limiterFor = (endpoint: Endpoint) => openLimiterFor(settings, endpoint, systemClock, notice);
  if (args.simulate) {
    const opened = await openSimulatorEndpoint({
      limits: args.limits,
      latency: { baseMs: args.latencyMs ?? 120, perOutputTokenMs: 0.4, jitterMs: 60 },
    });
    const simulator = opened.simulator!;
    const caller = createCallerFor(opened.endpoint);
    const { limiter, store } = await limiterFor(opened.endpoint);
    const close = async () => {
      await store.dispose();
      await opened.close();
    };
    const messageBatches = createMessageBatchApiFor(opened.endpoint);
    return { caller, messageBatches, limiter, limitsOf, simulated: true, endpoint: simulator.url, simulator, close };
  }
  const apiKey = env['ANTHROPIC_API_KEY']?.trim();
  if (!apiKey) {
    throw new UsageError('ANTHROPIC_API_KEY is not set: export your API key, or add --simulate for a free dry run');
  }
  const baseURL = env['ANTHROPIC_BASE_URL']?.trim();
  const { endpoint } = apiEndpoint(apiKey, baseURL || undefined);
  const caller = createCallerFor(endpoint);
  const { limiter, store } = await limiterFor(endpoint);
  const messageBatches = createMessageBatchApiFor(endpoint);
  return {
    caller,
    messageBatches,
    limiter,
    limitsOf,
    simulated: false,
    endpoint: baseURL || 'https://api.anthropic.com',
    close: () => store.dispose(),
  };
}
