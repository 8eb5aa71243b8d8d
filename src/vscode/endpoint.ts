import { limitsOf, type Endpoint } from '../core/generate/run/assemble';
import type { LimitsConfig } from '../core/models';
import { startSimulator, type SimulatorHandle } from '../sim';
import { engineSettings, type ForgeConfig } from './config';
import type { ApiKeyStore } from './secrets';

/**
 * Where a run sends its requests: the real API with the user's key, or the built-in simulator
 * (a dry run) started in-process on loopback for the run's lifetime.
 */
export interface OpenedEndpoint {
  readonly endpoint: Endpoint;
  /** Live limit changes (the simulator mirrors the configured limits). */
  setLimits(limits: LimitsConfig): void;
  close(): Promise<void>;
}

export type EndpointResult = { ok: true; opened: OpenedEndpoint } | { ok: false; reason: 'no-key' };

export interface EndpointProvider {
  open(config: ForgeConfig): Promise<EndpointResult>;
}

/** A key the simulator accepts; never a real credential. */
export const SIMULATOR_KEY = 'sk-ant-simulator-dry-run';

function simulatorLimits(limits: LimitsConfig) {
  // Every class gets its own configured limits, so a dry run paces like the real account would.
  const perClass = (c: 'opus' | 'sonnet' | 'haiku' | 'fable') => limitsOf(limits, c);
  return { opus: perClass('opus'), sonnet: perClass('sonnet'), haiku: perClass('haiku'), fable: perClass('fable') };
}

export async function openSimulator(limits: LimitsConfig): Promise<OpenedEndpoint> {
  const sim: SimulatorHandle = await startSimulator({ host: '127.0.0.1', port: 0, limits: simulatorLimits(limits) });
  return {
    endpoint: { apiKey: SIMULATOR_KEY, baseURL: sim.url, simulated: true },
    setLimits: (next) => sim.configure({ limits: simulatorLimits(next) }),
    close: () => sim.close(),
  };
}

export function createEndpointProvider(keys: ApiKeyStore): EndpointProvider {
  return {
    async open(config) {
      if (config.useSimulator) return { ok: true, opened: await openSimulator(engineSettings(config).limits) };
      const key = await keys.get();
      if (!key) return { ok: false, reason: 'no-key' };
      return {
        ok: true,
        opened: {
          endpoint: { apiKey: key.value, ...(config.endpoint ? { baseURL: config.endpoint } : {}), simulated: false },
          setLimits: () => undefined,
          close: async () => undefined,
        },
      };
    },
  };
}
