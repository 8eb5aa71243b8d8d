// The real-host harness, once per process: install/cache code-server, build and package the
// extension, start code-server with the VSIX installed, launch chromium. Scenarios then open
// their own throwaway workspace in a fresh browser context (a fresh window and extension host).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { buildExtension, checkVsixContents, packageVsix } from './build';
import { launchChromium } from './browser';
import { startCodeServer, type CodeServer } from './code-server';
import { ensureCodeServer, type InstalledHost } from './install';
import { ensureDir, removeRunRoot, RESULTS_DIR, runRoot } from './paths';

/** Present in the host's environment; a scenario that needs a different key sets one. */
export const ENV_API_KEY = 'sk-ant-e2e-environment-key';
/** Where the host keeps its shared-limits state: the run's own, so a CLI started by a test can join it. */
export function sharedStateDir(): string {
  return path.join(runRoot(), 'state');
}

export interface Harness {
  host: InstalledHost;
  vsix: string;
  server: CodeServer;
  browser: Browser;
  runDir: string;
  logFile: string;
  timings: Record<string, number>;
}

let current: Promise<Harness> | undefined;
let live: Harness | undefined;

async function timed<T>(timings: Record<string, number>, label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    timings[label] = Date.now() - started;
  }
}

/** Keeps every temp file of the harness (and of playwright) inside the run folder. */
export function useRunTmp(): string {
  const tmp = ensureDir(path.join(runRoot(), 'tmp'));
  process.env.TMPDIR = tmp;
  return tmp;
}

export function getHarness(): Promise<Harness> {
  current ??= (async () => {
    const timings: Record<string, number> = {};
    const runDir = runRoot();
    useRunTmp();
    ensureDir(RESULTS_DIR);
    const logFile = path.join(runDir, 'harness.log');
    const host = await timed(timings, 'install', () => ensureCodeServer());
    await timed(timings, 'build', () => buildExtension(logFile));
    const vsix = await timed(timings, 'package', () => packageVsix(logFile));
    const problems = checkVsixContents(vsix);
    if (problems.length > 0) throw new Error(`VSIX ${path.basename(vsix)} is wrong:\n  ${problems.join('\n  ')}`);
    const server = await timed(timings, 'start code-server', () =>
      startCodeServer({
        host,
        dir: path.join(runDir, 'ui'),
        vsix,
        env: { ANTHROPIC_API_KEY: ENV_API_KEY, CONVFORGE_STATE_DIR: sharedStateDir(), CONVFORGE_REDIS_URL: '' },
        userSettings: {
          'conversationForge.notifications': 'all',
          'conversationForge.useSimulator': false,
        },
      }),
    );
    let browser: Browser;
    try {
      browser = await timed(timings, 'launch chromium', () => launchChromium(runDir));
    } catch (err) {
      await server.stop();
      throw err;
    }
    live = { host, vsix, server, browser, runDir, logFile, timings };
    return live;
  })();
  return current;
}

export async function stopHarness(): Promise<void> {
  const h = live;
  live = undefined;
  current = undefined;
  if (!h) {
    removeRunRoot();
    return;
  }
  await h.browser.close().catch(() => undefined);
  await h.server.stop();
  removeRunRoot();
}

// ---- wall times -----------------------------------------------------------------------------

const wallTimes: { name: string; ms: number; state: string; why?: string }[] = [];

/**
 * `why`: a failure's first lines. The summary is the tail of the run's output, often all that a
 * CI log keeps, so it says why a scenario failed and not only that it did.
 */
export function recordWallTime(name: string, ms: number, state: string, why?: string): void {
  wallTimes.push({ name, ms, state, ...(why ? { why } : {}) });
}

export function writeWallTimes(extra: Record<string, number>): string {
  const file = path.join(ensureDir(RESULTS_DIR), 'wall-times.json');
  fs.writeFileSync(file, JSON.stringify({ setup: extra, scenarios: wallTimes }, null, 2));
  return file;
}

export function wallTimeSummary(): string {
  return wallTimes
    .map((w) => {
      const line = `  ${(w.ms / 1000).toFixed(1).padStart(6)} s  ${w.state.padEnd(7)} ${w.name}`;
      return w.why ? `${line}\n${w.why.replace(/^/gm, '             > ')}` : line;
    })
    .join('\n');
}
