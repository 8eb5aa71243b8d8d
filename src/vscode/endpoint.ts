import { apiEndpoint, openSimulatorEndpoint, type OpenedEndpoint } from '../engine';
import { engineSettings, type ForgeConfig } from './config';
import type { ApiKeyStore } from './secrets';

export type { OpenedEndpoint } from '../engine';

export type EndpointResult = { ok: true; opened: OpenedEndpoint } | { ok: false; reason: 'no-key' };

export interface EndpointProvider {
  open(config: ForgeConfig): Promise<EndpointResult>;
}

/**
 * Where the extension's runs send their requests: the real API with the user's key, or the
 * built-in simulator (a dry run) for the run's lifetime. Both are opened by the engine entry.
 */
export function createEndpointProvider(keys: ApiKeyStore): EndpointProvider {
  return {
    async open(config) {
      if (config.useSimulator) return { ok: true, opened: await openSimulatorEndpoint({ limits: engineSettings(config).limits }) };
      const key = await keys.get();
      if (!key) return { ok: false, reason: 'no-key' };
      return { ok: true, opened: apiEndpoint(key.value, config.endpoint || undefined) };
    },
  };
}
