import * as assert from 'node:assert/strict';
import type { RunSnapshot } from '../../../src/core/generate/run/run-types';
import type { PanelState } from '../../../src/protocol/messages';
import type { ControllerStatus } from '../../../src/vscode/run/run-controller';
import { StatusBarPresenter, SUMMARY_MS, type StatusItemPort } from '../../../src/vscode/status-bar/status-bar-presenter';
import { renderStatusBar, type StatusRender } from '../../../src/vscode/status-bar/status-bar-render';
import { toStatusFacts, type StatusFacts } from '../../../src/vscode/view-model/view-model';
import { FakeClock } from '../../support/fake-clock';
import { emitter } from '../support/fakes';
import { openHarness } from '../support/run-harness';

let real: RunSnapshot;
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

function status(phase: ControllerStatus['phase'], extra: Partial<ControllerStatus> = {}): ControllerStatus {
  return { phase, simulated: false, health: 'healthy', files: ['a.forge.yaml'], ...extra };
}

/** Facts from a real engine snapshot, with the gauges and counts a scenario needs. */
function facts(
  phase: ControllerStatus['phase'],
  o: { util?: [number, number, number]; extra?: Partial<ControllerStatus>; simulated?: boolean; done?: number; spent?: number } = {},
): StatusFacts {
  const [r, i, out] = o.util ?? [0.42, 0.3, 0.1];
  const snap: RunSnapshot = {
    ...real,
    simulated: o.simulated ?? false,
    state: phase === 'paused' ? 'paused' : phase === 'finished' ? 'finished' : 'running',
    batches: real.batches.map((b) => ({ ...b, total: 300, generated: o.done ?? 120, failed: 0 })),
    metrics: {
      ...real.metrics,
      processor: { ...real.metrics.processor, active: 4, concurrency: 8, queued: { high: 12, normal: 100, low: 0 }, queuedTotal: 112 },
      waitMs: { count: 10, mean: 12_000, p50: 10_000, p95: 20_000 },
      etaMs: 170_000,
      costUsd: o.spent ?? 0.12,
    },
    limiters: real.limiters.map((l) => ({
      ...l,
      dimensions: {
        // The server reported requests and input tokens; output tokens are still a preset.
        requests: { limit: 50, utilization: r, remaining: 10 },
        inputTokens: { limit: 40_000, utilization: i, remaining: 100 },
        outputTokens: { limit: 8_000, utilization: out },
      },
    })),
    estimateUsd: 0.4,
    budgetUsd: 5,
  };
  return toStatusFacts({ status: status(phase, o.extra), snapshot: snap, throughput: [57.937], now: NOW });
}

describe('status bar', function () {
  this.timeout(60_000);

  before(async () => {
    const h = await openHarness({ files: { alpha: 2 } });
    try {
      const out = await h.controller.generate(await h.files());
      assert.ok(out.ok);
      await out.done;
      real = (await h.controller.snapshot())!;
    } finally {
      await h.close();
    }
  });

  describe('rendering (pure)', () => {
    it('running below the limits: labelled figures, no colour, one time figure, links to the panel and Pause', () => {
      const f = facts('running');
      assert.equal(f.panel.pace, 'underLimit');
      const r = renderStatusBar(f, NOW);
      assert.equal(r.text, '$(pulse) Running · 120/300 done · 42% of limit');
      assert.equal(r.background, undefined);
      assert.match(r.tooltip, /\*\*Running below the limits: 42% of the requests limit in use\.\*\*/);
      assert.match(r.tooltip, /\| Limit \| Utilization \| Per minute \|/);
      assert.match(r.tooltip, /\| Requests \| 42% \| 50 \|/);
      assert.match(r.tooltip, /\| Input tokens \| 30% \| 40,000 \|/);
      assert.match(r.tooltip, /\| Output tokens \| 10% \| – \|/, 'a limit the server has not reported is not shown as known');
      assert.match(r.tooltip, /Queued: 12 high · 100 normal · 0 low · in flight 4 of 8/);
      assert.match(r.tooltip, /Time left: ~2 min 50 s · throughput: 58\/min/);
      assert.doesNotMatch(r.tooltip, /wait/i, 'one name for one figure of time');
      assert.match(r.tooltip, /Cost: \$0\.12 of ~\$0\.40 estimated · budget \$5\.00/);
      assert.match(r.tooltip, /\[Open panel\]\(command:convforge\.showPanel\) · \[Pause\]\(command:convforge\.pause\)/);
      assert.deepEqual(r.enabledCommands, ['convforge.showPanel', 'convforge.pause']);
      assert.doesNotMatch(r.tooltip, /paused/i);
    });

    it('a batch-mode file waiting on its Message Batch: "At the API", the batch named, no made-up time left, half-price spend shown', () => {
      const snap: RunSnapshot = {
        ...real,
        state: 'running',
        batches: real.batches.map((b) => ({
          ...b,
          mode: 'batch' as const,
          total: 24,
          generated: 0,
          failed: 0,
          skipped: 0,
          skippedFailed: 0,
        })),
        metrics: {
          ...real.metrics,
          processor: {
            ...real.metrics.processor,
            active: 0,
            concurrency: 4,
            queued: { high: 0, normal: 0, low: 0 },
            queuedTotal: 0,
            retryWaiting: 0,
          },
          costUsd: 0,
        },
        progress: {
          stepsDone: 0,
          stepsTotal: 0,
          fraction: 0,
          limitsLearned: false,
          messageBatches: { requests: 24, done: 0, waiting: true },
        },
        messageBatches: [
          {
            id: 'msgbatch_01',
            file: '/w/a.forge.yaml',
            status: 'in_progress',
            requests: 24,
            written: 0,
            submittedAt: NOW - 90_000,
            expiresAt: NOW + 86_310_000,
          },
        ],
        messageBatchCostUsd: 0.0006,
      };
      const f = toStatusFacts({ status: status('running'), snapshot: snap, throughput: [], now: NOW });
      assert.equal(f.panel.pace, 'atApi');
      assert.equal(f.panel.progress.queued, 0, "a batch-mode file's conversations are at the API, not queued here");
      assert.deepEqual(
        f.panel.batches.map((b) => b.queued),
        [0],
      );
      const r = renderStatusBar(f, NOW);
      assert.equal(r.text, '$(cloud) At the API · 0/24 done · 1 Message Batch');
      assert.equal(r.background, undefined);
      assert.match(r.tooltip, /\*\*At the API: 1 Message Batch with 24 requests processing; usually within an hour, 24 h at most\.\*\*/);
      assert.match(r.tooltip, /Time left: ≤ 24 h \(usually < 1 h\)\n/);
      assert.doesNotMatch(r.tooltip, /\| Limit \||Queued:|throughput/, 'nothing online left: no limits table, queue or throughput');
      assert.match(r.tooltip, /Work: 0 of 24 requests in Message Batches · 0 % of the work/);
      assert.match(r.tooltip, /Cost: \$0\.0006/);
      assert.match(
        r.tooltip,
        /`msgbatch_01` \/w\/a\.forge\.yaml: in progress, 24 processing, 0 written · submitted 2 min ago · expires in 23 h 59 min/,
      );
    });

    it('70–89% utilization is a level in the table, not a warning: no colour', () => {
      const f = facts('running', { util: [0.5, 0.78, 0.2] });
      assert.equal(f.panel.health, 'approaching');
      const r = renderStatusBar(f, NOW);
      assert.equal(r.text, '$(pulse) Running · 120/300 done · 78% of limit');
      assert.equal(r.background, undefined);
    });

    it('at full speed (>=90%): pacing at the limit as intended, not red, not paused', () => {
      const f = facts('running', { util: [0.98, 0.5, 0.2] });
      assert.equal(f.panel.health, 'throttled', "the seeds' level stays available");
      const r = renderStatusBar(f, NOW);
      assert.equal(r.text, '$(pulse) Full speed · 120/300 done · 98% of limit');
      assert.equal(r.background, undefined);
      assert.match(r.tooltip, /\*\*Full speed: pacing at the requests limit \(50\/min\), as intended\.\*\*/);
      assert.doesNotMatch(r.tooltip, /paused|throttled/i);
    });

    it('approaching the budget you set: yellow, says so', () => {
      const r = renderStatusBar(facts('running', { spent: 4.2 }), NOW);
      assert.equal(r.text, '$(warning) Near budget · 120/300 done · 42% of limit');
      assert.equal(r.background, 'statusBarItem.warningBackground');
      assert.match(r.tooltip, /Approaching your budget: 84% of \$5\.00 spent/);
    });

    it('held back by a 429: the only red, a live countdown, Pause still offered', () => {
      const f = facts('running', { extra: { pausedUntil: NOW + 12_000, pauseReason: 'rate_limit' }, util: [0.3, 0.2, 0.1] });
      assert.equal(f.panel.pauseReason, 'rateLimited');
      assert.equal(f.panel.pace, 'heldBack');
      const r = renderStatusBar(f, NOW);
      assert.equal(r.text, '$(debug-pause) Held back by a 429 · resumes in 12 s');
      assert.equal(r.background, 'statusBarItem.errorBackground');
      assert.match(r.tooltip, /\*\*Held back by the API: a 429 \(rate limit\) pause; sending resumes when it ends\.\*\* Resumes in 12 s\./);
      assert.deepEqual(r.enabledCommands, ['convforge.showPanel', 'convforge.pause']);
      assert.equal(renderStatusBar(f, NOW + 1500).text, '$(debug-pause) Held back by a 429 · resumes in 11 s');
      assert.equal(renderStatusBar(f, NOW + 60_000).text, '$(debug-pause) Held back by a 429 · resumes in 0 s');
    });

    it('a user pause: Paused by you with progress, Resume link, no alarm colour', () => {
      const r = renderStatusBar(facts('paused', { extra: { pauseReason: 'user' } }), NOW);
      assert.equal(r.text, '$(debug-pause) Paused by you · 120/300 done');
      assert.equal(r.background, undefined);
      assert.match(r.tooltip, /\[Resume\]\(command:convforge\.resume\)/);
      assert.deepEqual(r.enabledCommands, ['convforge.showPanel', 'convforge.resume']);
    });

    it('dry run: DRY RUN marker in the text and the tooltip', () => {
      const r = renderStatusBar(facts('running', { simulated: true }), NOW);
      assert.equal(r.text, '$(pulse) DRY RUN · Running · 120/300 done · 42% of limit');
      assert.match(r.tooltip, /DRY RUN against the built-in simulator/);
      assert.match(r.tooltip, /simulated, not billed/);
      assert.match(r.ariaLabel, /dry run/);
    });

    it("finished: the summary, no colour, nothing of the run's pacing left, only the panel link", () => {
      const f = facts('finished', {
        done: 300,
        util: [0.98, 0.9, 0.5],
        extra: {
          summary: {
            state: 'finished',
            total: 300,
            generated: 298,
            skipped: 0,
            skippedFailed: 0,
            failed: 2,
            remaining: 0,
            requests: 600,
            rateLimited: 0,
            inputTokens: 1,
            outputTokens: 1,
            cacheCreationInputTokens: 0,
            cacheReadInputTokens: 0,
            costUsd: 0.42,
            wallSeconds: 60,
            datasets: [],
          },
        },
      });
      const r = renderStatusBar(f, NOW);
      assert.equal(r.text, '$(check) Finished · 300/300 done');
      assert.equal(r.background, undefined);
      assert.match(r.tooltip, /\*\*Finished\*\*: 298 generated, 2 failed of 300, \$0\.42\./);
      assert.doesNotMatch(r.tooltip, /Full speed|Time left|Held back/);
      assert.deepEqual(r.enabledCommands, ['convforge.showPanel']);
    });
  });

  describe('presenter (fake item, fake clock)', () => {
    function setup(initial: StatusFacts) {
      const clock = new FakeClock(NOW);
      const changes = emitter<void>();
      let current = initial;
      const shown: (StatusRender | 'hidden')[] = [];
      let disposed = false;
      const item: StatusItemPort = {
        show: (r) => void shown.push(r),
        hide: () => void shown.push('hidden'),
        dispose: () => void (disposed = true),
      };
      const presenter = new StatusBarPresenter({ onChange: (l) => changes.event(() => l()), statusFacts: () => current }, clock, item);
      const set = (f: StatusFacts) => {
        current = f;
        changes.fire();
      };
      return { clock, presenter, shown, set, isDisposed: () => disposed, listeners: () => changes.count };
    }

    it('hidden with no run; shown while running; the summary stays for a while after the run, then hides', async () => {
      const idle = toStatusFacts({ status: status('idle'), snapshot: undefined, throughput: [], now: NOW });
      const s = setup(idle);
      assert.equal(s.shown.length, 0);
      assert.equal(s.presenter.visible, false);
      s.set(facts('running'));
      assert.equal((s.shown.at(-1) as StatusRender).text, '$(pulse) Running · 120/300 done · 42% of limit');
      s.set(facts('running'));
      assert.equal(s.shown.length, 1, 'an unchanged render is not re-applied');
      s.set(facts('finished', { done: 300 }));
      assert.equal((s.shown.at(-1) as StatusRender).text, '$(check) Finished · 300/300 done');
      await s.clock.advance(SUMMARY_MS - 1000);
      assert.notEqual(s.shown.at(-1), 'hidden');
      await s.clock.advance(1000);
      assert.equal(s.shown.at(-1), 'hidden');
      assert.equal(s.clock.pendingTimers, 0);
      s.presenter.dispose();
      assert.equal(s.isDisposed(), true);
      assert.equal(s.listeners(), 0);
    });

    it('counts down once a second during a 429 pause, and keeps no timer otherwise', async () => {
      const s = setup(facts('running'));
      assert.equal(s.clock.pendingTimers, 0, 'no timer while running normally');
      const paused = facts('running', { extra: { pausedUntil: NOW + 3_000, pauseReason: 'rate_limit' } });
      s.set(paused);
      const texts = () => s.shown.filter((x): x is StatusRender => x !== 'hidden').map((x) => x.text);
      assert.equal(texts().at(-1), '$(debug-pause) Held back by a 429 · resumes in 3 s');
      await s.clock.advance(1000);
      assert.equal(texts().at(-1), '$(debug-pause) Held back by a 429 · resumes in 2 s');
      await s.clock.advance(1000);
      assert.equal(texts().at(-1), '$(debug-pause) Held back by a 429 · resumes in 1 s');
      s.set(facts('running'));
      assert.equal(texts().at(-1), '$(pulse) Running · 120/300 done · 42% of limit');
      assert.equal(s.clock.pendingTimers, 0, 'the countdown timer stops with the pause');
      s.presenter.dispose();
    });

    it('a new run after a finished one shows again at once', () => {
      const s = setup(facts('finished', { done: 300 }));
      s.set(toStatusFacts({ status: status('starting'), snapshot: undefined, throughput: [], now: NOW }));
      assert.equal((s.shown.at(-1) as StatusRender).text, '$(loading~spin) Starting…');
      s.presenter.dispose();
    });
  });

  it('PanelState type stays the one the panel gets', () => {
    const p: PanelState = facts('running').panel;
    assert.equal(p.runState, 'running');
  });
});
