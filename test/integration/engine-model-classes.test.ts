import assert from 'node:assert/strict';
import type { Job } from '../../src/core/queue/types';
import {
  makeJobs,
  pacedRatePerMinute,
  runToRest,
  startHarness,
  TEST_TIMEOUT_MS,
  type Harness,
  type SimJobData,
} from './support/engine-harness';

// Two prompt files on two model classes with equal per-class limits, against the simulator in real
// time. Rate limits are per class, so the two should run side by side: the pair should take about
// as long as one file alone. Before per-class dispatch, the limiter refusing one class's head held
// up the other, and the pair took about twice as long. How long runs take on a busy machine is no
// test's business (bench/ measures it): the timings are printed, and what is asserted is that
// neither class waited for the other (each was under way while the other was still being
// paced) and that the pair met at most one 429.

const RPM = 1200;
const PER_FILE = 80;
const LIMITS = { requestsPerMinute: RPM, inputTokensPerMinute: 10_000_000, outputTokensPerMinute: 10_000_000 };

/** One prompt file's jobs, all on `modelClass`. */
function promptFile(modelClass: 'haiku' | 'sonnet'): Job<SimJobData>[] {
  return makeJobs(PER_FILE).map((job) => ({
    ...job,
    id: `${modelClass}-${job.id}`,
    batchId: `${modelClass}.yaml`,
    model: `claude-${modelClass}-5-5`,
    modelClass,
  }));
}

async function timedRun(h: Harness, files: readonly Job<SimJobData>[][]): Promise<number> {
  const started = Date.now();
  for (const jobs of files) h.processor.add(jobs);
  await runToRest(h.processor);
  return Date.now() - started;
}

describe('engine against the simulator: two model classes side by side', function () {
  this.timeout(TEST_TIMEOUT_MS);
  let h: Harness | undefined;
  // A cold process (SDK, loopback, JIT) can meet one 429 in its first paced run, with or without
  // per-class dispatch; warm up first so the two timed runs compare like with like.
  before(async () => {
    const warm = await startHarness({ limits: { ...LIMITS, requestsPerMinute: 60_000 } });
    warm.processor.add(makeJobs(20));
    await runToRest(warm.processor);
    await warm.close();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('two prompt files on two classes run side by side, neither waiting for the other, with no 429s', async () => {
    h = await startHarness({ limits: LIMITS });
    const single = promptFile('haiku');
    const singleMs = await timedRun(h, [single]);
    assert.ok(single.every((j) => j.state === 'succeeded'));
    const singleSim = h.sim.stats();
    await h.close();

    h = await startHarness({ limits: LIMITS });
    const pair = [promptFile('haiku'), promptFile('sonnet')];
    const wireByClass = { haiku: [] as { at: number }[], sonnet: [] as { at: number }[] };
    // Started jobs of each class, seen at each start: the order of dispatch, not its timing.
    const startedAt: { haiku: number; sonnet: number }[] = [];
    h.processor.on('started', (e) => {
      wireByClass[e.job.modelClass as 'haiku' | 'sonnet'].push({ at: Date.now() });
      startedAt.push({ haiku: wireByClass.haiku.length, sonnet: wireByClass.sonnet.length });
    });
    const pairMs = await timedRun(h, pair);
    const pairSim = h.sim.stats();

    assert.deepEqual(
      pair
        .flat()
        .filter((j) => j.state !== 'succeeded')
        .map((j) => j.id),
      [],
    );
    assert.equal(pairSim.messages, 2 * PER_FILE);
    // Real time on a shared 2-core machine: a stalled event loop can deliver paced requests to the
    // simulator's 1 s window in a clump (seen once at load 15: 1 × 429 in 161 requests). A 429 costs
    // a pause, never a conversation; how few there are is bench/'s business. Two would mean the
    // classes were not paced apart.
    assert.ok(pairSim.rateLimited <= 1, `${pairSim.rateLimited} × 429 in ${pairSim.requests} requests`);
    // One file alone used to meet one 429 now and then (1 run in 5): requests admitted from a full
    // bucket reached the simulator late (event-loop stalls, new connections) while its 1 s window was
    // full and wasted that refill. The limiter's transit allowance covers it (test/core/limiter/transit.test.ts).
    assert.ok(singleSim.rateLimited <= 1, `${singleSim.rateLimited} × 429 in ${singleSim.requests} requests`);
    const ratio = pairMs / singleMs;
    const burst = RPM / 60;
    // What one class's bucket allows: the first second's burst at once, the rest at the limit.
    const idealMs = ((PER_FILE - burst) / RPM) * 60_000;
    console.log(
      `      one file (${PER_FILE} haiku): ${singleMs} ms; two files (${PER_FILE} haiku + ${PER_FILE} sonnet): ${pairMs} ms; ` +
        `ratio ${ratio.toFixed(2)}; ideal per class ${idealMs.toFixed(0)} ms; ` +
        `paced haiku ${pacedRatePerMinute(wireByClass.haiku, burst).toFixed(0)} / sonnet ${pacedRatePerMinute(wireByClass.sonnet, burst).toFixed(0)} of ${RPM} RPM each; ` +
        `429s: one file ${singleSim.rateLimited} in ${singleSim.requests}, two files ${pairSim.rateLimited} in ${pairSim.requests} requests`,
    );
    // Side by side: when either class's last job started, the other class was more than half
    // done. One after the other (haiku's queue blocking sonnet's), sonnet would have started
    // next to nothing by haiku's last start.
    const lastHaiku = startedAt.find((c) => c.haiku === PER_FILE)!;
    const lastSonnet = startedAt.find((c) => c.sonnet === PER_FILE)!;
    assert.ok(lastHaiku.sonnet > PER_FILE / 2, `sonnet had started ${lastHaiku.sonnet} of ${PER_FILE} when haiku's last started`);
    assert.ok(lastSonnet.haiku > PER_FILE / 2, `haiku had started ${lastSonnet.haiku} of ${PER_FILE} when sonnet's last started`);
  });
});
