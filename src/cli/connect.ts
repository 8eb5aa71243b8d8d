import { homedir } from 'node:os';
import type { ModelCaller } from '../core/api/types';
import { systemClock } from '../core/clock';
import { createCallerFor, openLimiterFor, limitsOf as configuredLimits, type Endpoint } from '../core/generate/run/assemble';
import { defaultStateDir, type SharingSettings } from '../core/limiter/sharing';
import type { Limits, RateLimiter } from '../core/limiter/types';
import { MODEL_CLASSES } from '../core/models';
import { startSimulator, type SimulatorHandle } from '../sim';
import type { CliArgs } from './args';
import { UsageError } from './args';

/** A key the simulator accepts; never a real key. */
const SIMULATOR_KEY = 'sk-ant-simulated-dry-run';

export interface Connection {
  caller: ModelCaller;
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
 */
export async function connect(args: CliArgs, env: NodeJS.ProcessEnv, notice?: (message: string) => void): Promise<Connection> {
  const limitsOf = (modelClass: string) => configuredLimits(args.limits, modelClass);
  for (const c of MODEL_CLASSES) limitsOf(c); // validates the flags before anything starts
  const settings = { limits: args.limits, outputAccounting: args.outputAccounting, sharing: sharingFrom(args, env) };
  const limiterFor = (endpoint: Endpoint) => openLimiterFor(settings, endpoint, systemClock, notice);
  if (args.simulate) {
    const limits = Object.fromEntries(MODEL_CLASSES.map((c) => [c, limitsOf(c)]));
    const simulator = await startSimulator({
      limits,
      latency: { baseMs: args.latencyMs ?? 120, perOutputTokenMs: 0.4, jitterMs: 60 },
    });
    const endpoint: Endpoint = { apiKey: SIMULATOR_KEY, baseURL: simulator.url, simulated: true };
    const caller = createCallerFor(endpoint);
    const { limiter, store } = await limiterFor(endpoint);
    const close = async () => {
      await store.dispose();
      await simulator.close();
    };
    return { caller, limiter, limitsOf, simulated: true, endpoint: simulator.url, simulator, close };
  }
  const apiKey = env['ANTHROPIC_API_KEY']?.trim();
  if (!apiKey) {
    throw new UsageError('ANTHROPIC_API_KEY is not set: export your API key, or add --simulate for a free dry run');
  }
  const baseURL = env['ANTHROPIC_BASE_URL']?.trim();
  const endpoint: Endpoint = { apiKey, ...(baseURL ? { baseURL } : {}), simulated: false };
  const caller = createCallerFor(endpoint);
  const { limiter, store } = await limiterFor(endpoint);
  return { caller, limiter, limitsOf, simulated: false, endpoint: baseURL || 'https://api.anthropic.com', close: () => store.dispose() };
}
