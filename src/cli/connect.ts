import type { ModelCaller } from '../core/api/types';
import { systemClock } from '../core/clock';
import { apiEndpoint, createCallerFor, createLimiterFor, limitsOf as configuredLimits, openSimulatorEndpoint } from '../engine';
import type { Limits, RateLimiter } from '../core/limiter/types';
import { MODEL_CLASSES } from '../core/models';
import type { SimulatorHandle } from '../sim';
import { UsageError, type CliArgs } from './args';

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

/**
 * The API connection for a command: the real API (key and endpoint from the SDK's own
 * environment variables) or, with --simulate, the built-in simulator with the same limits.
 */
export async function connect(args: CliArgs, env: NodeJS.ProcessEnv): Promise<Connection> {
  const limitsOf = (modelClass: string) => configuredLimits(args.limits, modelClass);
  for (const c of MODEL_CLASSES) limitsOf(c); // validates the flags before anything starts
  const limiter = createLimiterFor({ limits: args.limits, outputAccounting: args.outputAccounting }, systemClock);
  if (args.simulate) {
    const opened = await openSimulatorEndpoint({
      limits: args.limits,
      latency: { baseMs: args.latencyMs ?? 120, perOutputTokenMs: 0.4, jitterMs: 60 },
    });
    const simulator = opened.simulator!;
    const caller = createCallerFor(opened.endpoint);
    return { caller, limiter, limitsOf, simulated: true, endpoint: simulator.url, simulator, close: () => opened.close() };
  }
  const apiKey = env['ANTHROPIC_API_KEY']?.trim();
  if (!apiKey) {
    throw new UsageError('ANTHROPIC_API_KEY is not set: export your API key, or add --simulate for a free dry run');
  }
  const baseURL = env['ANTHROPIC_BASE_URL']?.trim();
  const caller = createCallerFor(apiEndpoint(apiKey, baseURL || undefined).endpoint);
  return { caller, limiter, limitsOf, simulated: false, endpoint: baseURL || 'https://api.anthropic.com', close: async () => undefined };
}
