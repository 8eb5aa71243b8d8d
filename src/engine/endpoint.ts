import type { Limits } from '../core/limiter/types';
import { MODEL_CLASSES, type LimitsConfig, type ModelClass } from '../core/models';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../sim';
import { limitsOf, type Endpoint } from './assemble';

/**
 * Where a run sends its requests: the real API, or the built-in simulator (a dry run) started
 * in-process for as long as the endpoint is open. Both front ends open endpoints here.
 */
export interface OpenedEndpoint {
  readonly endpoint: Endpoint;
  /** The simulator, when this is a dry run. */
  readonly simulator?: SimulatorHandle;
  /** Live limit changes (the simulator mirrors the configured limits; the API ignores them). */
  setLimits(limits: LimitsConfig): void;
  close(): Promise<void>;
}

/** The key requests to the simulator carry: the simulator accepts it; never a real credential. */
export const SIMULATOR_KEY = 'sk-ant-simulator-dry-run';

/** Every model class with its configured limits, so a dry run paces like the real account would. */
export function simulatorLimits(limits: LimitsConfig): Record<ModelClass, Limits> {
  return Object.fromEntries(MODEL_CLASSES.map((c) => [c, limitsOf(limits, c)])) as Record<ModelClass, Limits>;
}

export interface SimulatorEndpointOptions {
  limits: LimitsConfig;
  latency?: SimulatorOptions['latency'];
  /** The simulator's Message Batches options (processing time, expiry, limits, outcomes). */
  messageBatches?: SimulatorOptions['messageBatches'];
  /** Default: loopback on a free port. */
  host?: string;
  port?: number;
}

export async function openSimulatorEndpoint(options: SimulatorEndpointOptions): Promise<OpenedEndpoint> {
  const simulator = await startSimulator({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    limits: simulatorLimits(options.limits),
    ...(options.latency ? { latency: options.latency } : {}),
    ...(options.messageBatches ? { messageBatches: options.messageBatches } : {}),
  });
  return {
    endpoint: { apiKey: SIMULATOR_KEY, baseURL: simulator.url, simulated: true },
    simulator,
    setLimits: (next) => simulator.configure({ limits: simulatorLimits(next) }),
    close: () => simulator.close(),
  };
}

export function apiEndpoint(apiKey: string, baseURL?: string): OpenedEndpoint {
  return {
    endpoint: { apiKey, ...(baseURL ? { baseURL } : {}), simulated: false },
    setLimits: () => undefined,
    close: async () => undefined,
  };
}
