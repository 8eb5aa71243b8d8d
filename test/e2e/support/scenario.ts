// One UI scenario: a fresh copy of the fixture workspace, its own simulator on loopback (so the
// test can inject faults and read stats), and a fresh browser context on that workspace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../../src/sim';
import { getHarness, type Harness } from './harness';
import { E2E_ROOT, ensureDir } from './paths';
import { Workbench } from './workbench';

export interface ScenarioOptions {
  simulator?: SimulatorOptions;
  /** Workspace settings (.vscode/settings.json), merged over the scenario defaults. */
  settings?: Record<string, unknown>;
  /** Leave the workbench folder out of the URL and open it yourself. */
  files?: Record<string, string>;
}

export interface Scenario {
  harness: Harness;
  wb: Workbench;
  page: Page;
  context: BrowserContext;
  sim: SimulatorHandle;
  workspace: string;
  /** Browser console errors seen so far (for reports). */
  consoleErrors: string[];
  close(): Promise<void>;
}

export const FIXTURE_WORKSPACE = path.join(E2E_ROOT, 'fixtures', 'workspace');

export async function openScenario(name: string, options: ScenarioOptions = {}): Promise<Scenario> {
  const harness = await getHarness();
  const workspace = path.join(harness.runDir, 'workspaces', name.replace(/[^a-z0-9-]+/gi, '-'));
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
  for (const [rel, text] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, rel)), { recursive: true });
    fs.writeFileSync(path.join(workspace, rel), text);
  }
  const sim = await startSimulator({
    seed: 7,
    // generous limits and a visible latency: runs last seconds, not milliseconds
    limits: { default: { requestsPerMinute: 6000, inputTokensPerMinute: 5_000_000, outputTokensPerMinute: 1_000_000 } },
    latency: { baseMs: 300, perOutputTokenMs: 1, jitterMs: 50 },
    ...options.simulator,
  });
  ensureDir(path.join(workspace, '.vscode'));
  fs.writeFileSync(
    path.join(workspace, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        'conversationForge.endpoint': sim.url,
        'conversationForge.useSimulator': false,
        'conversationForge.tier': 'build',
        ...options.settings,
      },
      null,
      2,
    ),
  );
  let context: BrowserContext | undefined;
  try {
    context = await harness.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    const wb = new Workbench(page, name);
    await page.goto(harness.server.workbenchUrl(workspace), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await wb.waitReady();
    await wb.step('workbench-ready');
    const ctx = context;
    return {
      harness,
      wb,
      page,
      context: ctx,
      sim,
      workspace,
      consoleErrors,
      async close() {
        await ctx.close().catch(() => undefined);
        await sim.close().catch(() => undefined);
      },
    };
  } catch (err) {
    await context?.close().catch(() => undefined);
    await sim.close().catch(() => undefined);
    throw err;
  }
}

/** Polls `check` until it returns a value other than undefined. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
