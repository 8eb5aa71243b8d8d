import { homedir } from 'node:os';
import { defaultStateDir, type SharingSettings } from '../core/limiter/sharing';
import { validateRedisUrl } from '../core/limiter/stores/redis-store';
import { MODEL_CLASSES } from '../core/models';
import { apiEndpoint, endpointName, limitsOf, openSimulatorEndpoint, type EngineSettings, type OpenedEndpoint } from '../engine';
import type { SimulatorHandle } from '../sim';
import { UsageError, type CliArgs } from './args';

export interface Connection {
  readonly opened: OpenedEndpoint;
  readonly simulated: boolean;
  /** Where requests go, for messages. */
  readonly endpoint: string;
  readonly simulator?: SimulatorHandle;
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
 * The CLI's one config place: the engine settings its flags and environment make (src/engine
 * assembles runs and estimates from them, as it does from VS Code's settings). Refuses bad limit
 * flags and a malformed Redis URL before anything starts.
 */
export function settingsFrom(args: CliArgs, env: NodeJS.ProcessEnv): EngineSettings {
  for (const c of MODEL_CLASSES) limitsOf(args.limits, c);
  const sharing = sharingFrom(args, env);
  if (sharing.mode === 'redis') validateRedisUrl(sharing.url, sharing.source);
  return {
    limits: args.limits,
    outputAccounting: args.outputAccounting,
    sharing,
    ...(args.concurrency !== undefined ? { maxConcurrency: args.concurrency } : {}),
    ...(args.budget !== undefined ? { budgetUsd: args.budget } : {}),
    ...(args.maxAttempts !== undefined ? { maxAttempts: args.maxAttempts } : {}),
    ...(args.patienceMinutes !== undefined ? { outagePatienceMs: args.patienceMinutes * 60_000 } : {}),
  };
}

/**
 * The endpoint for a command: the real API (key and endpoint from the SDK's own environment
 * variables) or, with --simulate, the built-in simulator with the same limits. Endpoints are
 * opened by the engine entry (src/engine), as VS Code opens them.
 */
export async function connect(args: CliArgs, env: NodeJS.ProcessEnv): Promise<Connection> {
  if (args.simulate) {
    const opened = await openSimulatorEndpoint({
      limits: args.limits,
      latency: { baseMs: args.latencyMs ?? 120, perOutputTokenMs: 0.4, jitterMs: 60 },
      ...(args.simMessageBatches ? { messageBatches: args.simMessageBatches } : {}),
    });
    const simulator = opened.simulator!;
    return { opened, simulated: true, endpoint: simulator.url, simulator, close: () => opened.close() };
  }
  const apiKey = env['ANTHROPIC_API_KEY']?.trim();
  if (!apiKey) {
    throw new UsageError('ANTHROPIC_API_KEY is not set: export your API key, or add --simulate for a free dry run');
  }
  const baseURL = env['ANTHROPIC_BASE_URL']?.trim();
  const opened = apiEndpoint(apiKey, baseURL || undefined);
  return { opened, simulated: false, endpoint: endpointName(opened.endpoint), close: () => opened.close() };
}
