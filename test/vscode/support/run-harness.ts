// A RunController over the real engine against the simulator on loopback, for the panel, status
// bar and view-model tests: real snapshots, real events, no VS Code.
import * as assert from 'node:assert/strict';
import { systemClock, type Clock } from '../../../src/core/clock';
import { startSimulator, type SimulatorHandle } from '../../../src/sim';
import { readConfig, type ForgeConfig } from '../../../src/vscode/config';
import { openSimulatorEndpoint } from '../../../src/engine';
import type { EndpointProvider } from '../../../src/vscode/endpoint';
import { validateWorkspace } from '../../../src/vscode/prompt-files/prompt-files';
import { RunController } from '../../../src/vscode/run/run-controller';
import { FakeConfig, FakeLog, promptFileText, TempWorkspace } from './fakes';
import { fakeApiKey } from '../../support/fake-api-key';

/** Looks like a key; the tests assert it never reaches the webview. */
export const TEST_KEY = fakeApiKey('panel-test-key-0123456789abcdef');

export interface Harness {
  sim: SimulatorHandle;
  ws: TempWorkspace;
  log: FakeLog;
  controller: RunController;
  config: ForgeConfig;
  files(...names: string[]): Promise<readonly import('../../../src/core/generate/types').PromptFile[]>;
  close(): Promise<void>;
}

export async function openHarness(
  options: { files?: Record<string, number>; settings?: Record<string, unknown>; latencyMs?: number; clock?: Clock } = {},
): Promise<Harness> {
  const sim = await startSimulator({
    seed: 7,
    limits: { default: { requestsPerMinute: 6000, inputTokensPerMinute: 5_000_000, outputTokensPerMinute: 1_000_000 } },
    latency: { baseMs: options.latencyMs ?? 30, perOutputTokenMs: 0, jitterMs: 5 },
  });
  const ws = new TempWorkspace(
    Object.fromEntries(
      Object.entries(options.files ?? { alpha: 6, beta: 4 }).map(([name, n]) => [`${name}.forge.yaml`, promptFileText(name, n)]),
    ),
  );
  const log = new FakeLog();
  const config = readConfig(new FakeConfig({ tier: 'build', ...options.settings })).config;
  const endpoints: EndpointProvider = {
    async open(c) {
      if (c.useSimulator) return { ok: true, opened: await openSimulatorEndpoint({ limits: { tier: c.tier, ...c.limits } }) };
      return {
        ok: true,
        opened: {
          endpoint: { apiKey: TEST_KEY, baseURL: sim.url, simulated: false },
          setLimits: () => undefined,
          close: async () => undefined,
        },
      };
    },
  };
  const controller = new RunController({ clock: options.clock ?? systemClock, config: () => config, endpoints, log });
  return {
    sim,
    ws,
    log,
    controller,
    config,
    async files(...names) {
      const v = await validateWorkspace(ws);
      assert.deepEqual(
        v.diagnostics.filter((d) => d.severity === 'error'),
        [],
      );
      return names.length === 0 ? v.files : v.files.filter((f) => names.includes(f.name));
    },
    async close() {
      await controller.shutdown(2000);
      await sim.close();
      ws.dispose();
    },
  };
}
