import * as assert from 'node:assert/strict';
import type { RunSnapshot } from '../../../src/core/generate/run/run-types';
import type { LimiterSnapshot } from '../../../src/core/limiter/types';
import { isJobsPage, isPanelState } from '../../../src/protocol';
import type { ControllerStatus } from '../../../src/vscode/run/run-controller';
import {
  engineJobFilter,
  jobRowOf,
  limitsOf,
  ThroughputSeries,
  toPanelState,
  toStatusFacts,
  type ViewInput,
} from '../../../src/vscode/view-model/view-model';
import { until } from '../support/fakes';
import { openHarness, type Harness } from '../support/run-harness';

function limiter(
  u: { requests: number; inputTokens: number; outputTokens: number },
  modelClass = 'haiku',
  reported = true,
): LimiterSnapshot {
  const d = (limit: number, utilization: number) => ({ limit, utilization, ...(reported ? { remaining: 1 } : {}) });
  const max = Math.max(u.requests, u.inputTokens, u.outputTokens);
  return {
    modelClass,
    limits: { requestsPerMinute: 50, inputTokensPerMinute: 50_000, outputTokensPerMinute: 10_000 },
    dimensions: { requests: d(50, u.requests), inputTokens: d(50_000, u.inputTokens), outputTokens: d(10_000, u.outputTokens) },
    utilization: max,
    binding: 'requests',
    health: 'healthy',
  };
}

const input = (status: ControllerStatus, snapshot: RunSnapshot | undefined, now = Date.now()): ViewInput => ({
  status,
  snapshot,
  throughput: [],
  now,
});

describe('view model: engine snapshot -> PanelState', () => {
  describe('pure pieces', () => {
    it('health per dimension from the seed thresholds; utilization clamped to 0..1; worst class wins', () => {
      const l = limitsOf([
        limiter({ requests: 0.69, inputTokens: 0.7, outputTokens: 0.89 }),
        limiter({ requests: 0.1, inputTokens: 0.2, outputTokens: 0.3 }, 'sonnet'),
      ]);
      assert.deepEqual([l.requests.health, l.inputTokens.health, l.outputTokens.health], ['healthy', 'approaching', 'approaching']);
      assert.equal(l.requests.limit, 50);
      const over = limitsOf([limiter({ requests: 0.9, inputTokens: 1.4, outputTokens: 0 })]);
      assert.equal(over.requests.health, 'throttled');
      assert.equal(over.inputTokens.utilization, 1);
      const none = limitsOf([]);
      assert.deepEqual(none.requests, { limit: null, utilization: 0, health: 'healthy' });
      // A limit the server has not reported is a tier preset: not shown as known.
      assert.equal(limitsOf([limiter({ requests: 0.5, inputTokens: 0, outputTokens: 0 }, 'haiku', false)]).requests.limit, null);
    });

    it('ThroughputSeries keeps one sample per interval and the last 60', () => {
      const s = new ThroughputSeries(5000, 60);
      const t0 = 1_000_000;
      assert.equal(s.sample(t0, 10), true);
      assert.equal(s.sample(t0 + 1000, 99), false);
      assert.equal(s.sample(t0 + 5000, 12), true);
      assert.deepEqual(s.values(), [10, 12]);
      for (let i = 2; i < 100; i++) s.sample(t0 + i * 5000, i);
      assert.equal(s.values().length, 60);
      assert.equal(s.values().at(-1), 99);
      s.sample(t0 + 1e9, Number.NaN);
      assert.equal(s.values().at(-1), 0);
    });

    it('job filters map onto engine states; skipped is never a job', () => {
      assert.deepEqual(engineJobFilter(undefined), {});
      assert.deepEqual(engineJobFilter({ state: 'active', batchId: 'a' }), { state: 'running', batchId: 'a' });
      assert.deepEqual(engineJobFilter({ state: 'retrying' }), { state: 'retry_wait' });
      assert.equal(engineJobFilter({ state: 'skipped' }), undefined);
    });

    it('no run: an idle, valid state', () => {
      const s = toPanelState(input({ phase: 'idle', simulated: false, health: 'healthy', files: [] }, undefined, 5));
      assert.ok(isPanelState(s));
      assert.equal(s.runState, 'idle');
      assert.equal(s.lastUpdated, 5);
    });
  });

  describe('real engine against the simulator', function () {
    this.timeout(60_000);
    let h: Harness;
    afterEach(async () => h && (await h.close()));

    it('every snapshot of a run maps to a valid PanelState; counts add up; the final one is finished', async () => {
      h = await openHarness({ latencyMs: 100 });
      const states: ReturnType<typeof toPanelState>[] = [];
      const series = new ThroughputSeries(0);
      const map = (snap: RunSnapshot) => {
        series.sample(snap.metrics.at, snap.metrics.throughputPerMinute);
        states.push(toPanelState({ status: h.controller.status(), snapshot: snap, throughput: series.values(), now: snap.metrics.at }));
      };
      h.controller.on('snapshot', map);
      const out = await h.controller.generate(await h.files());
      assert.ok(out.ok);
      // also sample mid-run ourselves: a loaded machine may deliver few timer snapshots
      let finished = false;
      void out.done.then(() => (finished = true));
      while (!finished) {
        const snap = await h.controller.snapshot();
        if (snap && !finished) map(snap);
        await new Promise((r) => setTimeout(r, 40));
      }
      assert.ok(states.length >= 2, `${states.length} snapshots`);
      for (const s of states) {
        assert.ok(isPanelState(s), JSON.stringify(s).slice(0, 500));
        const p = s.progress;
        assert.equal(p.queued + p.active + p.retrying + p.succeeded + p.failed + p.skipped, p.total, JSON.stringify(p));
        assert.ok(p.active <= p.maxActive);
        assert.ok(s.events.length <= 100);
        for (let i = 1; i < s.events.length; i++) assert.ok(s.events[i - 1]!.at >= s.events[i]!.at, 'events newest first');
      }
      assert.ok(states.some((s) => s.runState === 'running' && s.progress.total === 10));
      const last = states.at(-1)!;
      assert.equal(last.runState, 'finished');
      assert.deepEqual(
        { ...last.progress, maxActive: 0 },
        { total: 10, queued: 0, active: 0, maxActive: 0, succeeded: 10, failed: 0, retrying: 0, skipped: 0 },
      );
      assert.equal(last.etaSeconds, null);
      assert.equal(last.pausedUntil, null);
      assert.equal(last.simulated, false);
      assert.ok(last.limits.requests.limit! > 0 && last.limits.inputTokens.limit! > 0 && last.limits.outputTokens.limit! > 0);
      assert.ok(last.cost.spent > 0);
      // The run's count_tokens estimate (or, had the run beaten it, the projection from its spend).
      assert.ok(
        last.cost.estimate !== null && last.cost.estimate > last.cost.spent / 2 && last.cost.estimate < last.cost.spent * 2,
        JSON.stringify(last.cost),
      );
      const final = (await h.controller.snapshot())!;
      const costWith = (estimateUsd: number | undefined) => {
        const { estimateUsd: _, ...rest } = final;
        const snapshot: RunSnapshot = estimateUsd === undefined ? rest : { ...rest, estimateUsd };
        return toPanelState({ status: h.controller.status(), snapshot, throughput: [], now: final.metrics.at }).cost;
      };
      assert.equal(costWith(0.5).estimate, 0.5);
      assert.ok(
        Math.abs(costWith(undefined).estimate! - last.cost.spent) < 1e-9,
        'without an estimate, the projection equals the spend when done',
      );
      assert.deepEqual(last.batches.map((b) => [b.name, b.state, b.succeeded, b.total, b.queued]).sort(), [
        ['alpha', 'finished', 6, 6, 0],
        ['beta', 'finished', 4, 4, 0],
      ]);
      assert.ok(last.events.some((e) => /queued/.test(e.message)));
      assert.ok(last.throughput.length >= 1 && last.throughput.length <= 60);
      const facts = toStatusFacts({
        status: h.controller.status(),
        snapshot: await h.controller.snapshot(),
        throughput: [],
        now: Date.now(),
      });
      assert.equal(facts.summary?.generated, 10);
      assert.equal(facts.phase, 'finished');
    });

    it('a user pause: paused, reason user, no pausedUntil; a re-run counts the dataset as skipped', async () => {
      h = await openHarness({ latencyMs: 200, files: { alpha: 8 } });
      const out = await h.controller.generate(await h.files());
      assert.ok(out.ok);
      await until(() => h.controller.status().phase === 'running');
      h.controller.pause();
      const paused = toPanelState(input(h.controller.status(), await h.controller.snapshot()));
      assert.ok(isPanelState(paused));
      assert.equal(paused.runState, 'paused');
      assert.equal(paused.pauseReason, 'user');
      assert.equal(paused.pausedUntil, null);
      assert.notEqual(paused.health, 'throttled');
      h.controller.resume();
      await out.done;
      const again = await h.controller.generate(await h.files());
      assert.ok(again.ok);
      await again.done;
      const final = toPanelState(input(h.controller.status(), await h.controller.snapshot()));
      assert.equal(final.progress.skipped, 8);
      assert.equal(final.progress.succeeded, 0);
      assert.equal(final.batches[0]!.succeeded, 8);
      assert.equal(final.batches[0]!.state, 'finished');
    });

    it('a 429 pause: paused, rateLimited, pausedUntil in the future, held back; nothing of it left once the run ends', async () => {
      h = await openHarness({ latencyMs: 50, files: { alpha: 12 } });
      const out = await h.controller.generate(await h.files());
      assert.ok(out.ok);
      await until(() => h.controller.status().phase === 'running');
      h.sim.configure({ faults: { stormSeconds: 3, script: [{ kind: 'rate_limit_storm' }] } });
      await until(() => h.controller.status().pausedUntil !== undefined);
      const now = Date.now();
      const s = toPanelState(input(h.controller.status(), await h.controller.snapshot(), now));
      assert.ok(isPanelState(s));
      assert.equal(s.runState, 'paused');
      assert.equal(s.pauseReason, 'rateLimited');
      assert.ok(s.pausedUntil! > now - 50, `${s.pausedUntil} vs ${now}`);
      assert.equal(s.pace, 'heldBack');
      assert.match(s.paceText, /^Held back by the API: a 429/);
      assert.ok(s.events.some((e) => e.level === 'warn' && /429/.test(e.message)));
      await out.done;
      const after = toPanelState(input(h.controller.status(), await h.controller.snapshot()));
      assert.equal(after.pausedUntil, null);
      assert.equal(after.pauseReason, null);
      assert.equal(after.pace, 'finished');
      assert.equal(after.paceText, 'Finished: 12 of 12 done.');
      assert.equal(after.progress.succeeded, 12);
    });

    it('a dry run is flagged simulated; job pages map to valid protocol rows', async () => {
      h = await openHarness({ settings: { useSimulator: true }, files: { alpha: 4 } });
      const out = await h.controller.generate(await h.files());
      assert.ok(out.ok);
      await out.done;
      const s = toPanelState(input(h.controller.status(), await h.controller.snapshot()));
      assert.equal(s.simulated, true);
      const { total, jobs } = h.controller.listJobs(0, 50, engineJobFilter({ state: 'succeeded' }));
      const page = { offset: 0, limit: 50, filter: { state: 'succeeded' as const }, total, rows: jobs.map((j) => jobRowOf(j)) };
      assert.ok(isJobsPage(page));
      assert.equal(page.total, 4);
      assert.ok(page.rows.every((r) => r.state === 'succeeded' && r.lastError === null && r.batchId === 'alpha'));
    });
  });
});
