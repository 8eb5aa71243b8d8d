import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { systemClock } from '../../src/core/clock';
import { createRateLimiter } from '../../src/core/limiter';
import type { LimiterStore } from '../../src/core/limiter/store';
import { LocalStore } from '../../src/core/limiter/stores/local-store';
import { MemoryStore } from '../../src/core/limiter/stores/memory-store';

/** Admit + settle pairs per second through each store, one process, one decision at a time. */
export async function pairsPerSecond(store: LimiterStore, ms: number): Promise<number> {
  const limiter = createRateLimiter({
    clock: systemClock,
    limits: () => ({ requestsPerMinute: 1e12, inputTokensPerMinute: 1e15, outputTokensPerMinute: 1e15 }),
    outputAccounting: 'actual',
    store,
  });
  const demand = { modelClass: 'haiku', inputTokens: 10, maxTokens: 10 };
  const usage = { inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
  let pairs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const d = await limiter.admit(demand);
    if (!d.admitted) throw new Error('benchmark limits too low');
    await limiter.settle(d.permit, { outcome: 'completed', usage });
    pairs++;
  }
  return pairs / ((performance.now() - t0) / 1000);
}

export function memoryStore(): LimiterStore {
  return new MemoryStore(systemClock);
}

export function localStore(dir: string): LimiterStore {
  return new LocalStore({ file: join(dir, 'limits-bench.json') });
}

/** Decisions per second across `processes` processes sharing one local state file. */
export async function localAcrossProcesses(processes: number, ms: number, inFlight = 1): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'forge-bench-local-'));
  try {
    const file = join(dir, 'limits-bench.json');
    const worker = resolve(__dirname, 'admit-worker.ts');
    const children = Array.from({ length: processes }, () =>
      spawn(process.execPath, ['--import', 'tsx', worker, file, String(ms), String(inFlight)], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const outputs = children.map(() => '');
    const ready = children.map(
      (child, i) =>
        new Promise<void>((done) => {
          child.stdout.on('data', (d: Buffer) => {
            outputs[i] += d.toString();
            if (outputs[i]!.includes('ready\n')) done();
          });
        }),
    );
    const runs = children.map(
      (child, i) =>
        new Promise<number>((done, fail) => {
          child.on('error', fail);
          child.on('close', (code) =>
            code === 0
              ? done((JSON.parse(outputs[i]!.split('\n')[1]!) as { decisions: number }).decisions)
              : fail(new Error(`worker exited ${code}`)),
          );
        }),
    );
    await Promise.all(ready);
    for (const child of children) child.stdin.end('go\n');
    const counts = await Promise.all(runs);
    return counts.reduce((a, b) => a + b, 0) / (ms / 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What one state write costs the two ways a file can be replaced atomically, on the disk holding
 * `dir`: a fresh file renamed over the old (the local store's first design) and an in-place write
 * over the older of two slots (its design now). µs per write, same bytes, same run.
 */
export function replaceCost(dir: string, bytes = 2_500, writes = 2_000): { renameUs: number; inPlaceUs: number } {
  const data = Buffer.alloc(bytes, 'x');
  const target = join(dir, 'replace-bench');
  let t = performance.now();
  for (let i = 0; i < writes; i++) {
    writeFileSync(`${target}.tmp`, data);
    renameSync(`${target}.tmp`, target);
  }
  const renameUs = ((performance.now() - t) * 1000) / writes;
  t = performance.now();
  for (let i = 0; i < writes; i++) {
    const fd = openSync(`${target}.${i % 2}`, i < 2 ? 'w' : 'r+');
    writeSync(fd, data, 0, data.length, 0);
    closeSync(fd);
  }
  const inPlaceUs = ((performance.now() - t) * 1000) / writes;
  return { renameUs, inPlaceUs };
}
