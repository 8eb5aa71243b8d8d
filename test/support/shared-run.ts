import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { SimulatorHandle } from '../../src/sim';
import type { SimStats } from '../../src/sim/stats';

/**
 * Several real `convforge generate` processes against one simulator, as a user with one key
 * running them in several terminals: the harness behind the shared-limits tests.
 */
const MAIN = path.resolve(__dirname, '../../src/cli/main.ts');

export interface CliProcess {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: string | null; stderr: string }>;
}

export function startCli(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), MAIN, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, done };
}

export interface Sample {
  readonly at: number;
  readonly messages: number;
  readonly rateLimited: number;
}

/** Samples the simulator's counters every `everyMs` until stopped: rates over any window come from it. */
export function sampleSimulator(sim: SimulatorHandle, everyMs = 200): { samples: Sample[]; stop(): void } {
  const samples: Sample[] = [];
  const take = () => {
    const s = sim.stats();
    samples.push({ at: Date.now(), messages: s.messages, rateLimited: s.rateLimited });
  };
  take();
  const timer = setInterval(take, everyMs);
  return { samples, stop: () => (clearInterval(timer), take()) };
}

/** Messages per minute between the first sample at or after `from` and the last at or before `to`. */
export function ratePerMinute(
  samples: readonly Sample[],
  from: number,
  to: number,
): { perMinute: number; messages: number; spanMs: number } {
  const a = samples.find((s) => s.at >= from) ?? samples[samples.length - 1]!;
  const b = [...samples].reverse().find((s) => s.at <= to) ?? samples[0]!;
  const spanMs = Math.max(1, b.at - a.at);
  return { perMinute: ((b.messages - a.messages) * 60_000) / spanMs, messages: b.messages - a.messages, spanMs };
}

/** First sample time with at least `n` messages. */
export function timeOfMessages(samples: readonly Sample[], n: number): number {
  return samples.find((s) => s.messages >= n)?.at ?? Number.NaN;
}

/** The simulator's 429s on /v1/messages: its total also counts count_tokens', whose limit is its own. */
export function messagesRateLimited(stats: SimStats): number {
  return Object.values(stats.byModelClass).reduce((n, c) => n + (c?.rateLimited ?? 0), 0);
}
