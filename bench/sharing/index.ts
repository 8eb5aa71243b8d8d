import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RedisStore } from '../../src/core/limiter/stores/redis-store';
import { launchRedisServer, redisServerPath, type RedisServer } from '../../test/support/redis-server';
import { fmt, formatTable } from '../table';
import { runProcesses, type Mode, type ProcessRunResult } from './processes';
import { localAcrossProcesses, localStore, memoryStore, pairsPerSecond, replaceCost } from './store-latency';

/**
 * bench/sharing: one budget per API key. N = 1, 2, 4, 8 real CLI processes against one simulator,
 * shared (local file, Redis when redis-server is installed) vs unshared; then the admit latency of
 * each store, and the local store's decisions per second across processes.
 */
export interface SharingResults {
  readonly runs: ProcessRunResult[];
  readonly stores: Array<{ store: string; pairsPerSec: number }>;
  readonly localAcross: readonly { processes: number; inFlight: number; decisionsPerSec: number }[];
  readonly replace: { renameUs: number; inPlaceUs: number };
}

const RPM = 600;
const TOTAL = 160;
const COUNTS = [1, 2, 4, 8];

export async function runSharing(log: (line: string) => void, progress: (line: string) => void, only?: 'stores'): Promise<SharingResults> {
  const root = resolve(__dirname, '../..');
  const cli = join(root, 'dist', 'cli.js');
  progress('building dist/cli.js …');
  const built = spawnSync(process.execPath, [join(root, 'esbuild.js')], { cwd: root, stdio: 'ignore' });
  if (built.status !== 0 || !existsSync(cli)) throw new Error('npm run build failed: the sharing bench runs the built CLI');
  const bin = redisServerPath();
  let redis: RedisServer | undefined;
  if (bin) redis = await launchRedisServer(bin);
  else progress('redis-server not installed: the Redis rows are left out');
  try {
    const modes: Mode[] = ['unshared', 'local', ...(redis ? (['redis'] as const) : [])];
    const runs: ProcessRunResult[] = [];
    for (const processes of only === 'stores' ? [] : COUNTS) {
      for (const mode of modes) {
        progress(`${processes} process(es), ${mode} …`);
        runs.push(
          await runProcesses({
            cli,
            mode,
            processes,
            totalMessages: TOTAL,
            rpm: RPM,
            ...(redis ? { redisUrl: redis.url } : {}),
            capMs: 90_000,
          }),
        );
      }
    }
    if (only !== 'stores')
      log(
        `N processes with one key, ${TOTAL} messages split evenly, simulator at ${RPM} RPM (1 s window); each process alone could fill it`,
      );
    if (only !== 'stores')
      log(
        formatTable(
          [
            'processes',
            'budget',
            'messages',
            'wall s',
            'ideal s',
            'efficiency',
            '429s',
            '429s per 1,000',
            'HTTP requests',
            'count_tokens 429s',
          ],
          runs.map((r) => [
            String(r.processes),
            r.mode === 'unshared' ? 'unshared (--no-share)' : r.mode === 'local' ? 'shared: local file' : 'shared: Redis',
            `${fmt(r.messages)}${r.capped ? ` (cap, ${r.capped} stopped)` : ''}`,
            fmt(r.wallMs / 1000, 1),
            fmt(r.idealMs / 1000, 1),
            fmt(r.efficiency, 3),
            fmt(r.rateLimited),
            fmt(r.per1000, 1),
            fmt(r.httpRequests),
            fmt(r.countTokensRateLimited),
          ]),
        ),
      );
    if (only !== 'stores')
      log(
        '  429s: on /v1/messages. count_tokens (each process counts a sample of its prompts before its first request) has a limit of its own, paced as its own class of the same budget: shared, none; unshared, each process paces alone.',
      );
    const timed = runs.filter((r) => r.mode !== 'unshared' && r.rateLimitedAtS.length > 0);
    if (timed.length > 0) {
      log(
        "When the shared runs drew their 429s (s from the first finished message; in brackets the simulator's longest event-loop stall in the second before, ms):",
      );
      for (const r of timed)
        log(
          `  ${r.processes} processes, ${r.mode === 'local' ? 'local file' : 'Redis'}: ${r.rateLimitedAtS
            .map((s, i) => `${fmt(s, 1)} [${fmt(r.simStallBeforeMs[i] ?? 0)}]`)
            .join(', ')}; longest stall over the run ${fmt(r.simStallMaxMs)} ms`,
        );
    }

    const dir = mkdtempSync(join(tmpdir(), 'forge-bench-latency-'));
    const stores: Array<{ store: string; pairsPerSec: number }> = [];
    try {
      stores.push({ store: 'memory', pairsPerSec: await pairsPerSecond(memoryStore(), 2_000) });
      stores.push({ store: 'local file', pairsPerSec: await pairsPerSecond(localStore(dir), 2_000) });
      if (redis) {
        const r = await RedisStore.open({ url: redis.url, source: 'bench', namespace: 'latency' });
        stores.push({ store: 'Redis (loopback)', pairsPerSec: await pairsPerSecond(r, 2_000) });
        await r.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const mem = stores[0]!.pairsPerSec;
    log('');
    log('Admit + settle through each store, one process, one pair at a time');
    log(
      formatTable(
        ['store', 'pairs/s', 'µs per pair', 'vs memory'],
        stores.map((s) => [
          s.store,
          fmt(s.pairsPerSec),
          fmt(1e6 / s.pairsPerSec, 1),
          s.store === 'memory' ? '1.00' : `${fmt(mem / s.pairsPerSec, 1)}x slower`,
        ]),
      ),
    );

    progress('local store across 1, 2 and 4 processes …');
    const across: { processes: number; inFlight: number; decisionsPerSec: number }[] = [];
    for (const processes of [1, 2, 4]) {
      for (const inFlight of [1, 8])
        across.push({ processes, inFlight, decisionsPerSec: await localAcrossProcesses(processes, 3_000, inFlight) });
    }
    const scratch = mkdtempSync(join(tmpdir(), 'forge-bench-replace-'));
    let replace: { renameUs: number; inPlaceUs: number };
    try {
      replace = replaceCost(scratch);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    log('');
    log('Local store across processes (one state, admit and settle each count as a decision; target ≥ 2,000/s at 4)');
    log(
      formatTable(
        ['processes', 'decisions/s, one at a time', 'decisions/s, 8 in flight each'],
        [1, 2, 4].map((n) => [
          String(n),
          fmt(across.find((a) => a.processes === n && a.inFlight === 1)!.decisionsPerSec),
          fmt(across.find((a) => a.processes === n && a.inFlight === 8)!.decisionsPerSec),
        ]),
      ),
    );
    log(
      `Replacing the state on this disk: rename a fresh file over it ${fmt(replace.renameUs, 1)} µs, write the older slot in place ${fmt(replace.inPlaceUs, 1)} µs (${fmt(replace.renameUs / replace.inPlaceUs, 1)}x)`,
    );
    return { runs, stores, localAcross: across, replace };
  } finally {
    await redis?.stop();
  }
}
