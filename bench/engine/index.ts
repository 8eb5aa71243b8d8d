import { fmt, formatTable } from '../table';
import { benchLimiter, type LimiterResult } from './limiter-bench';
import { benchMemory, type MemoryResult } from './memory-bench';
import { benchForgeQueue, benchPQueue, makeJobs, type QueueResult } from './queue-bench';

/** bench/engine: the data structures and the admit decision, without any network. */
export interface EngineResults {
  readonly queue: QueueResult[];
  readonly limiter: LimiterResult;
  readonly memory: MemoryResult[];
}

/** p-queue's O(n) inserts make 1,000,000 mixed-priority jobs take minutes; it stops here and reports the rate so far. */
const P_QUEUE_BUDGET_MS = 5_000;
/** Scale tier: 10,000 RPM is the highest request rate the admit path has to keep up with. */
const SCALE_TIER_REQUESTS_PER_SEC = 10_000 / 60;

export async function runEngine(log: (line: string) => void): Promise<EngineResults> {
  const queue: QueueResult[] = [];
  const rows: string[][] = [];
  for (const n of [100_000, 1_000_000]) {
    const jobs = makeJobs(n);
    benchForgeQueue(makeJobs(10_000)); // warm-up
    const forge = benchForgeQueue(jobs);
    const pq = await benchPQueue(jobs, P_QUEUE_BUDGET_MS);
    queue.push(forge, pq);
    for (const r of [forge, pq]) {
      rows.push([
        `${r.client}${r.cappedAfter !== undefined ? ' *' : ''}`,
        fmt(n),
        fmt(r.enqueueOpsPerSec),
        fmt(r.drainOpsPerSec),
        fmt(r.opsPerSec),
        r === forge ? '1.00' : `${fmt(forge.opsPerSec / r.opsPerSec, 2)}x slower`,
      ]);
    }
  }
  log('Queue: enqueue N jobs (8 batches, priorities mixed), then drain');
  log(formatTable(['queue', 'jobs', 'enqueue ops/s', 'drain ops/s', 'total ops/s', 'vs Forge'], rows));
  const capped = queue.filter((r) => r.cappedAfter !== undefined);
  for (const r of capped) {
    log(
      `* ${r.client} hit the ${P_QUEUE_BUDGET_MS / 1000} s budget after ${fmt(r.cappedAfter!)} of ${fmt(r.jobs)} enqueues ` +
        '(sorted array, splice per out-of-order insert); its rate is of the work done, so the ratio understates the gap.',
    );
  }

  const limiter = await benchLimiter(200_000);
  log('');
  log(
    'Limiter: one admit decision, one at a time, on a manual clock (Forge: createRateLimiter, in-memory store); ' +
      `per second of this process's CPU; Forge before/after alternate over ${limiter.rounds} rounds (medians)`,
  );
  const vsForge = (r: number) => (r === limiter.pairsPerSec ? '1.00' : `${fmt(limiter.pairsPerSec / r, 1)}x slower`);
  log(
    formatTable(
      ['path', 'per second', 'µs each', 'vs Forge admit + settle', 'headroom vs 10,000 RPM'],
      [
        ['Forge admit + settle (admitted), after: in place', limiter.pairsPerSec, true],
        ['Forge admit + settle (admitted), before: copying update()', limiter.beforePairsPerSec, true],
        ['Forge admit (refused)', limiter.refusalsPerSec, false],
        ['bottleneck schedule (reservoir, no-op job)', limiter.bottleneckPerSec, true],
        ['p-queue add (intervalCap, no-op job)', limiter.pQueuePerSec, true],
      ].map(([name, rate, compare]) => [
        name as string,
        fmt(rate as number),
        fmt(1e6 / (rate as number), 1),
        compare ? vsForge(rate as number) : '–',
        `${fmt((rate as number) / SCALE_TIER_REQUESTS_PER_SEC)}x`,
      ]),
    ),
  );

  log(
    `Admit path, after vs before in this run: ${fmt(limiter.pairsPerSec / limiter.beforePairsPerSec, 1)}x ` +
      `(${fmt(limiter.pairsPerSec)} vs ${fmt(limiter.beforePairsPerSec)} admit + settle pairs per CPU second; target ≥ 100,000)`,
  );

  const memory = await benchMemory(1_000_000);
  log('');
  log(`Memory held by the queue per queued job (1,000,000 jobs${memory[0]?.exact ? ', global.gc' : ', NO global.gc: includes garbage'})`);
  log(
    formatTable(
      ['queue', 'bytes/job', 'vs Forge'],
      memory.map((m) => [m.client, fmt(m.bytesPerJob), fmt(m.bytesPerJob / memory[0]!.bytesPerJob, 2)]),
    ),
  );
  return { queue, limiter, memory };
}
