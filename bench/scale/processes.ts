import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SimulatorOptions } from '../../src/sim';
import type { SimStats } from '../../src/sim/stats';

const ROOT = join(__dirname, '..', '..');
const PROBE = join(__dirname, 'probe.cjs');

export interface SimProcess {
  readonly url: string;
  stats(): Promise<SimStats>;
  close(): Promise<void>;
}

/** Starts the simulator in a child process and waits for its URL. */
export async function startSimProcess(options: SimulatorOptions): Promise<SimProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'sim-process.ts'), JSON.stringify(options)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`Expected the simulator process to start, but it exited with ${code}`)));
  });
  return {
    url,
    stats: async () => (await (await fetch(`${url}/_sim/stats`)).json()) as SimStats,
    close: () => stop(child),
  };
}

export interface ProcessFigures {
  readonly code: number | null;
  readonly wallMs: number;
  /** User + system CPU of the process itself. */
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Killed at its time cap. */
  readonly capped: boolean;
}

/**
 * Runs `node <args>` with the resource probe preloaded; SIGINT at `capMs` (the CLI's own
 * interrupt: it stops dispatching, aborts what is in flight and flushes), SIGKILL 15 s later.
 */
export async function runMeasured(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  capMs: number,
  onStart?: (child: ChildProcess) => void,
): Promise<ProcessFigures> {
  const probe = join(tmpdir(), `forge-probe-${process.pid}-${Date.now()}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--require', PROBE, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, FORGE_BENCH_PROBE: probe },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onStart?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let capped = false;
  const cap = setTimeout(() => {
    capped = true;
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  }, capMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(cap);
  const wallMs = performance.now() - started;
  let figures = { userMs: Number.NaN, systemMs: Number.NaN, maxRssKb: Number.NaN };
  try {
    figures = JSON.parse(readFileSync(probe, 'utf8')) as typeof figures;
    rmSync(probe);
  } catch {
    // killed before the probe could write: the figures stay NaN and show as such
  }
  return { code, wallMs, cpuMs: figures.userMs + figures.systemMs, maxRssMb: figures.maxRssKb / 1024, stdout, stderr, capped };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
