import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { systemClock } from '../../../src/core/clock';
import type { RunSnapshot } from '../../../src/core/generate/run/run-types';
import { startSimulator, type SimulatorHandle } from '../../../src/sim';
import { readConfig, type ForgeConfig } from '../../../src/vscode/config';
import { openSimulatorEndpoint } from '../../../src/engine';
import type { EndpointProvider } from '../../../src/vscode/endpoint';
import { validateWorkspace } from '../../../src/vscode/prompt-files/prompt-files';
import { RunController, type ControllerStatus, type RunNotice, type RunRecord } from '../../../src/vscode/run/run-controller';
import { FakeConfig, FakeLog, promptFileText, TempWorkspace, until } from '../support/fakes';
import { fakeApiKey } from '../../support/fake-api-key';

const KEY = fakeApiKey('controller-test-key-0123456789');

function endpointsFor(sim: SimulatorHandle): EndpointProvider {
  return {
    async open(config) {
      if (config.useSimulator)
        return { ok: true, opened: await openSimulatorEndpoint({ limits: { tier: config.tier, ...config.limits } }) };
      return {
        ok: true,
        opened: { endpoint: { apiKey: KEY, baseURL: sim.url, simulated: false }, setLimits: () => undefined, close: async () => undefined },
      };
    },
  };
}

async function eventually(predicate: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  for (const start = Date.now(); !(await predicate()); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
  }
}

async function filesOf(ws: TempWorkspace) {
  const v = await validateWorkspace(ws);
  assert.deepEqual(
    v.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return v.files;
}

describe('RunController (real engine, simulator on loopback)', () => {
  let sim: SimulatorHandle;
  let ws: TempWorkspace;
  let controller: RunController;
  let log: FakeLog;
  let records: RunRecord[];
  let config: ForgeConfig;

  beforeEach(async () => {
    sim = await startSimulator({
      seed: 3,
      limits: { default: { requestsPerMinute: 6000, inputTokensPerMinute: 5_000_000, outputTokensPerMinute: 1_000_000 } },
      latency: { baseMs: 40, perOutputTokenMs: 0, jitterMs: 5 },
    });
    ws = new TempWorkspace({ 'a.forge.yaml': promptFileText('alpha', 6), 'b.forge.yaml': promptFileText('beta', 4) });
    log = new FakeLog();
    records = [];
    config = readConfig(new FakeConfig({ tier: 'build' })).config;
    controller = new RunController({
      clock: systemClock,
      config: () => config,
      endpoints: endpointsFor(sim),
      log,
      saveRecord: (r) => void records.push(r),
    });
  });

  afterEach(async () => {
    await controller.shutdown(2000);
    await sim.close();
    ws.dispose();
  });

  it('runs a prompt file to its dataset, with state events, coalesced snapshots, a finished notice and a record', async () => {
    const states: ControllerStatus[] = [];
    const snaps: { at: number; snap: RunSnapshot }[] = [];
    const notices: RunNotice[] = [];
    controller.on('state', (s) => states.push(s));
    controller.on('snapshot', (snap) => snaps.push({ at: Date.now(), snap }));
    controller.on('notice', (n) => notices.push(n));
    const [a] = (await filesOf(ws)).filter((f) => f.name === 'alpha');
    const outcome = await controller.generate([a!]);
    assert.ok(outcome.ok);
    assert.equal(outcome.joined, false);
    const summary = await outcome.done;
    assert.equal(summary.state, 'finished');
    assert.equal(summary.generated, 6);
    assert.equal(fs.readFileSync(ws.path('datasets/alpha.jsonl'), 'utf8').trim().split('\n').length, 6);
    assert.deepEqual(
      states
        .map((s) => s.phase)
        .filter((p, i, all) => p !== all[i - 1])
        .slice(0, 2),
      ['starting', 'running'],
    );
    assert.equal(controller.status().phase, 'finished');
    assert.equal(controller.status().summary?.generated, 6);
    assert.ok(notices.some((n) => n.type === 'started'));
    assert.ok(notices.some((n) => n.type === 'finished'));
    // at most ~4 a second (the last one, sent at finish, is outside the timer)
    for (let i = 2; i < snaps.length - 1; i++)
      assert.ok(snaps[i]!.at - snaps[i - 1]!.at >= 200, `snapshots ${i - 1},${i} ${snaps[i]!.at - snaps[i - 1]!.at} ms apart`);
    assert.equal((await controller.snapshot())?.state, 'finished');
    assert.deepEqual(records.at(-1)?.finished, true);
    assert.deepEqual(records[0]?.finished, false);
    assert.match(log.text(), /request started: .* attempt 1/);
    assert.match(log.text(), /request succeeded: /);
    assert.match(log.text(), /run finished: 6 generated/);
    assert.ok(!log.text().includes(KEY));
  });

  it('done, asked while a run is still opening, waits for that run (isActive already says it is on)', async () => {
    const [a] = (await filesOf(ws)).filter((f) => f.name === 'alpha');
    const opening = controller.generate([a!]);
    assert.equal(controller.isActive, true);
    const summary = await controller.done;
    assert.equal(summary?.generated, 6, "the opening run's summary, not the (absent) previous one");
    assert.ok((await opening).ok);
  });

  it('a second generate while running joins the run (addFiles) and both datasets complete', async () => {
    const files = await filesOf(ws);
    const first = await controller.generate(files.filter((f) => f.name === 'alpha'));
    assert.ok(first.ok);
    const second = await controller.generate(files.filter((f) => f.name === 'beta'));
    assert.ok(second.ok);
    assert.equal(second.joined, true);
    assert.deepEqual(
      second.batches.map((b) => b.id),
      ['beta'],
    );
    const summary = await first.done;
    assert.equal(summary.generated, 10);
    assert.deepEqual(
      controller
        .listBatches()
        .map((b) => b.id)
        .sort(),
      ['alpha', 'beta'],
    );
    assert.deepEqual([...controller.status().files].sort(), files.map((f) => f.path).sort());
  });

  it('estimates the run with count_tokens while it works, and a joining file adds its own estimate', async () => {
    const files = await filesOf(ws);
    const first = await controller.generate(files.filter((f) => f.name === 'alpha'));
    assert.ok(first.ok);
    // A request sent, so the server reports its limits before the pause.
    await eventually(async () => ((await controller.snapshot())?.metrics.totals.started ?? 0) >= 1);
    assert.ok(controller.pause());
    await eventually(async () => (await controller.snapshot())?.estimateUsd !== undefined);
    // The ETA goes by the estimate's demand at the limits the headers reported, though the run
    // has barely begun.
    await eventually(async () => (await controller.snapshot())?.metrics.etaMs !== undefined);
    const alone = (await controller.snapshot())!;
    // One count_tokens per conversation of alpha (a sample of up to 20 a file).
    assert.equal(sim.stats().countTokensRequests, 6);
    assert.ok(alone.estimateUsd! > 0);
    const second = await controller.generate(files.filter((f) => f.name === 'beta'));
    assert.ok(second.ok && second.joined);
    await eventually(async () => (await controller.snapshot())!.estimateUsd! > alone.estimateUsd!);
    assert.equal(sim.stats().countTokensRequests, 10);
    assert.ok(controller.resume());
    assert.equal((await first.done).generated, 10);
    assert.match(log.lines.map((l) => l.message).join('\n'), /estimate for 6 conversation\(s\): ~\$[\d.]+; .*bound by/);
  });

  it('pause, resume and cancel; cancel resolves after the datasets are closed and leaves work for a re-run', async () => {
    sim.configure({ latency: { baseMs: 300 } });
    const files = await filesOf(ws);
    const out = await controller.generate(files);
    assert.ok(out.ok);
    await until(() => controller.status().phase === 'running');
    assert.equal(controller.pause(), true);
    assert.equal(controller.status().phase, 'paused');
    assert.equal(controller.pause(), false);
    assert.equal(controller.resume(), true);
    const summary = await controller.cancel();
    assert.equal(summary?.state, 'cancelled');
    assert.ok(summary!.remaining > 0);
    assert.equal(controller.isActive, false);
    assert.equal(records.at(-1)?.finished, false);
    // the re-run picks up where it stopped, without duplicates
    const again = await controller.generate(await filesOf(ws));
    assert.ok(again.ok);
    const s2 = await again.done;
    assert.equal(s2.state, 'finished');
    const lines = fs.readFileSync(ws.path('datasets/alpha.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 6);
  });

  it('batch controls and paged jobs go through to the run', async () => {
    sim.configure({ latency: { baseMs: 200 } });
    const files = await filesOf(ws);
    const out = await controller.generate(files);
    assert.ok(out.ok);
    assert.equal(controller.setBatchPriority('beta', 'high') >= 0, true);
    controller.pauseBatch('alpha');
    assert.equal(controller.listBatches().find((b) => b.id === 'alpha')?.control, 'paused');
    controller.resumeBatch('alpha');
    assert.equal(controller.listBatches().find((b) => b.id === 'alpha')?.control, 'active');
    const page = controller.listJobs(0, 3);
    assert.equal(page.total, 10);
    assert.equal(page.jobs.length, 3);
    assert.throws(() => controller.pauseBatch('nope'), /no batch "nope"/);
    await out.done;
    assert.throws(() => controller.pauseBatch('alpha'), /no run in progress/);
  });

  it('a 429 becomes a rateLimitPaused notice and a resumed notice; an auth error stops the run with a stopped notice', async () => {
    const notices: RunNotice[] = [];
    controller.on('notice', (n) => notices.push(n));
    sim.configure({ faults: { script: [{ kind: 'rate_limit_storm', count: 1 }], stormSeconds: 1 } });
    const out = await controller.generate((await filesOf(ws)).filter((f) => f.name === 'beta'));
    assert.ok(out.ok);
    await out.done;
    assert.ok(
      notices.some((n) => n.type === 'rateLimitPaused'),
      JSON.stringify(notices.map((n) => n.type)),
    );
    assert.ok(notices.some((n) => n.type === 'rateLimitResumed'));
    assert.match(log.text(), /dispatch paused .*kind=rate_limited/);

    notices.length = 0;
    // a simulator that refuses every key: 401 -> auth -> the run stops
    const refusing = await startSimulator({ seed: 4, acceptKey: () => false });
    const c2 = new RunController({
      clock: systemClock,
      config: () => config,
      endpoints: endpointsFor(refusing),
      log,
    });
    c2.on('notice', (n) => notices.push(n));
    ws.write('c.forge.yaml', promptFileText('gamma', 3));
    const out2 = await c2.generate((await filesOf(ws)).filter((f) => f.name === 'gamma'));
    assert.ok(out2.ok);
    const s = await out2.done;
    c2.dispose();
    await refusing.close();
    assert.equal(s.state, 'stopped');
    const stopped = notices.find((n) => n.type === 'stopped');
    assert.equal(stopped?.type === 'stopped' && stopped.kind, 'auth');
    assert.match(log.text(), /run stopped: kind=auth/);
  });

  it('with useSimulator the run is a dry run writing *.simulated.jsonl; new limits are pushed to the running run', async () => {
    config = readConfig(new FakeConfig({ useSimulator: true, 'limits.requestsPerMinute': 600 })).config;
    const out = await controller.generate((await filesOf(ws)).filter((f) => f.name === 'beta'));
    assert.ok(out.ok);
    assert.equal(controller.status().simulated, true);
    const prev = config;
    config = readConfig(new FakeConfig({ useSimulator: true, 'limits.requestsPerMinute': 1200 })).config;
    await controller.applyConfig({ config, previous: prev, changed: new Set(['limits.requestsPerMinute']) });
    const snap = await controller.snapshot();
    if (snap && snap.limiters.length > 0) assert.equal(snap.limiters[0]!.limits.requestsPerMinute >= 1, true);
    assert.match(log.text(), /new rate limits applied/);
    const s = await out.done;
    assert.equal(s.generated, 4);
    assert.ok(fs.existsSync(ws.path('datasets/beta.simulated.jsonl')));
    assert.ok(!fs.existsSync(ws.path('datasets/beta.jsonl')));
    assert.match(log.text(), /DRY RUN/);
  });

  it('without a key generate says no-key and starts nothing', async () => {
    const c = new RunController({
      clock: systemClock,
      config: () => config,
      endpoints: { open: async () => ({ ok: false, reason: 'no-key' }) },
      log,
    });
    const out = await c.generate(await filesOf(ws));
    assert.equal(out.ok, false);
    assert.equal(!out.ok && out.reason, 'no-key');
    assert.equal(c.status().phase, 'idle');
    c.dispose();
  });

  it('shutdown cancels the run in flight and resolves once it has ended', async () => {
    // Answers take a minute, so only an abort can end the requests in flight before shutdown's
    // own 15 s limit (which would also end the wait, but late).
    sim.configure({ latency: { baseMs: 60_000 } });
    const out = await controller.generate(await filesOf(ws));
    assert.ok(out.ok);
    await until(() => sim.stats().inFlight > 0);
    const t0 = Date.now();
    await controller.shutdown(15_000);
    assert.ok(Date.now() - t0 < 15_000, 'shutdown waited for its limit instead of the cancelled run');
    const s = await out.done;
    assert.equal(s.state, 'cancelled');
  });
});

describe('RunController.retryFailed', () => {
  it('re-runs only the failed batch, with retryFailed, through loadFiles', async function () {
    this.timeout(60_000);
    const sim = await startSimulator({
      seed: 9,
      limits: { default: { requestsPerMinute: 6000, inputTokensPerMinute: 5_000_000, outputTokensPerMinute: 1_000_000 } },
      latency: { baseMs: 20, perOutputTokenMs: 0, jitterMs: 2 },
      faults: { rates: { server_error: 1 } },
    });
    const ws = new TempWorkspace({ 'b.forge.yaml': promptFileText('beta', 2) });
    const config = readConfig(new FakeConfig()).config;
    const c = new RunController({
      clock: systemClock,
      config: () => config,
      endpoints: endpointsFor(sim),
      log: new FakeLog(),
      loadFiles: async () => ({ ok: true, files: await filesOf(ws) }),
    });
    try {
      assert.equal((await c.retryFailed()).ok, false);
      const out = await c.generate(await filesOf(ws));
      assert.ok(out.ok);
      assert.equal((await out.done).failed, 2);
      sim.configure({ faults: { rates: { server_error: 0 } } });
      const again = await c.retryFailed('beta');
      assert.ok(again.ok);
      assert.equal((await again.done).generated, 2);
    } finally {
      await c.shutdown(2000);
      await sim.close();
      ws.dispose();
    }
  });
});
