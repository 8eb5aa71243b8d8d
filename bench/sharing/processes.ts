import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../src/sim';
import { messagesRateLimited } from '../../test/support/shared-run';

/**
 * N real `convforge generate` processes (the built CLI) with one API key against one simulator
 * whose limit any one of them could fill alone, sharing the budget (local file or Redis) or not.
 * Each process has its own prompt file; the work is split evenly and is the same at every N.
 */
export type Mode = 'unshared' | 'local' | 'redis';

export interface ProcessRunResult {
  readonly mode: Mode;
  readonly processes: number;
  readonly messages: number;
  readonly httpRequests: number;
  /** 429s on /v1/messages: what the shared budget is about. */
  readonly rateLimited: number;
  /**
   * 429s on count_tokens, which has a limit of its own (2,000/min here): each process counts a
   * sample of its prompts before its first request, paced as its own class of the shared budget
   * (paced-counter.ts), so only processes that do not share draw them.
   */
  readonly countTokensRateLimited: number;
  readonly wallMs: number;
  readonly idealMs: number;
  readonly efficiency: number;
  readonly per1000: number;
  /** Processes stopped at the time cap. */
  readonly capped: number;
  /** When the simulator refused each 429, in seconds from the first finished message (50 ms samples). */
  readonly rateLimitedAtS: readonly number[];
  /**
   * For each 429, the longest stall of the simulator's own event loop in the second before it (the
   * 50 ms sampler's delay beyond its period). The simulator shares this machine's two cores with
   * the N clients: while it stalls, requests that arrived apart are counted together.
   */
  readonly simStallBeforeMs: readonly number[];
  /** The simulator's longest stall over the whole run. */
  readonly simStallMaxMs: number;
}

const BIG = 100_000_000;

function promptFile(name: string, count: number): string {
  return `name: ${name}
model: claude-haiku-5-5
count: ${count}
turns: 2
max_tokens: 256
prompt: A {{who}} asks about {{what}}.
variables:
  who: [student, teacher, nurse, pilot]
  what: [fractions, gravity, tides, maps, bread, bees]
output:
  path: out/${name}.jsonl
`;
}

export async function runProcesses(options: {
  cli: string;
  mode: Mode;
  processes: number;
  totalMessages: number;
  rpm: number;
  redisUrl?: string;
  capMs: number;
  /** Niceness of the client processes (0 = as the bench); see clientNice in index.ts. */
  clientNice?: number;
}): Promise<ProcessRunResult> {
  const { mode, processes, rpm } = options;
  const per = Math.floor(options.totalMessages / processes);
  const l = { requestsPerMinute: rpm, inputTokensPerMinute: BIG, outputTokensPerMinute: BIG };
  const sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    limits: { opus: l, sonnet: l, haiku: l, fable: l },
    latency: { baseMs: 150, perOutputTokenMs: 0.3, jitterMs: 50 },
  });
  const root = mkdtempSync(join(tmpdir(), 'forge-bench-share-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ANTHROPIC_API_KEY: `${'sk-ant'}-bench-${process.pid}`,
    ANTHROPIC_BASE_URL: sim.url,
    CONVFORGE_STATE_DIR: join(root, 'state'),
    CONVFORGE_REDIS_URL: mode === 'redis' ? options.redisUrl! : '',
  };
  const args = [
    'generate',
    '.',
    '--rpm',
    String(rpm),
    '--itpm',
    String(BIG),
    '--otpm',
    String(BIG),
    '-q',
    ...(mode === 'unshared' ? ['--no-share'] : []),
  ];
  const samples: Array<{ at: number; messages: number; rateLimited: number; stallMs: number }> = [];
  const sample = (): void => {
    const s = sim.stats();
    const at = Date.now();
    const previous = samples.at(-1)?.at;
    samples.push({
      at,
      messages: s.messages,
      rateLimited: messagesRateLimited(s),
      stallMs: previous === undefined ? 0 : Math.max(0, at - previous - 50),
    });
  };
  const sampler = setInterval(sample, 50);
  const children: ChildProcess[] = [];
  let capped = 0;
  try {
    const exits = Array.from({ length: processes }, (_, i) => {
      const ws = join(root, `p${i}`);
      mkdirSync(ws, { recursive: true });
      writeFileSync(join(ws, 'p.forge.yaml'), promptFile(`p${i}`, per));
      const child = spawn(process.execPath, [options.cli, ...args], { cwd: ws, env, stdio: 'ignore' });
      children.push(child);
      if (options.clientNice && child.pid !== undefined) setPriority(child.pid, options.clientNice);
      return new Promise<void>((resolve) => child.on('exit', () => resolve()));
    });
    const cap = setTimeout(() => {
      for (const c of children) {
        if (c.exitCode === null && c.signalCode === null) {
          capped++;
          c.kill('SIGKILL');
        }
      }
    }, options.capMs);
    await Promise.all(exits);
    clearTimeout(cap);
  } finally {
    clearInterval(sampler);
  }
  const stats = sim.stats();
  await sim.close();
  rmSync(root, { recursive: true, force: true });
  samples.push({ at: Date.now(), messages: stats.messages, rateLimited: messagesRateLimited(stats), stallMs: 0 });
  const first = samples.find((s) => s.messages >= 1)?.at ?? Number.NaN;
  const last = samples.find((s) => s.messages >= stats.messages)?.at ?? Number.NaN;
  const done = stats.messages;
  const wallMs = Math.max(1, last - first);
  // The simulator's 1 s window lets the first second's requests through at once (credited, as in
  // bench/throughput); a run stopped at its cap is projected to all its messages.
  const target = per * processes;
  const projectedMs = done < target ? (wallMs * target) / Math.max(1, done) : wallMs;
  const idealMs = ((target - rpm / 60) / rpm) * 60_000;
  const rateLimitedAtS: number[] = [];
  const simStallBeforeMs: number[] = [];
  const stallWithin = (from: number, to: number) => samples.reduce((m, x) => (x.at >= from && x.at <= to ? Math.max(m, x.stallMs) : m), 0);
  for (let i = 0, seen = 0; i < samples.length; i++) {
    for (; seen < samples[i]!.rateLimited; seen++) {
      rateLimitedAtS.push((samples[i]!.at - first) / 1000);
      simStallBeforeMs.push(stallWithin(samples[i]!.at - 1_000, samples[i]!.at));
    }
  }
  const http = stats.byModelClass.haiku?.requests ?? stats.requests;
  return {
    mode,
    processes,
    messages: done,
    httpRequests: http,
    rateLimited: messagesRateLimited(stats),
    countTokensRateLimited: stats.rateLimited - messagesRateLimited(stats),
    wallMs: projectedMs,
    idealMs,
    efficiency: idealMs / projectedMs,
    per1000: http === 0 ? 0 : (messagesRateLimited(stats) * 1000) / http,
    capped,
    rateLimitedAtS,
    simStallBeforeMs,
    simStallMaxMs: samples.reduce((m, x) => Math.max(m, x.stallMs), 0),
  };
}
