// The queue panel in a real browser: the real HTML shell and CSP, the bundle built from
// source, host messages replayed from fixtures, and assertions on what a user sees.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { HostMessage, JobRow, WebviewMessage } from '../../src/protocol/messages';
import {
  buildBundle,
  clearPosted,
  cspViolations,
  launchChromium,
  openPanel,
  postHost,
  posted,
  postedWithView,
  screenshot,
  waitForPanel,
  type PanelPage,
} from './support/browser';
import { jobsPage, stateFixture, type Fixture } from './support/fake-host';
import { startPanelServer, type PanelServer } from './support/server';
import type { PageGlobals } from './support/page-globals';
import type { ThemeKind } from './support/themes';
import { gridReport } from './support/grid-geometry';

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();
const texts = (page: Page, selector: string) => page.locator(selector).allInnerTexts();
const waitForRange = (page: Page, range: string) =>
  page.waitForFunction((r) => (globalThis as unknown as PageGlobals).document.querySelector('.jobs-range')?.textContent === r, range);
const stat = (page: Page, name: string) => text(page, `[data-stat="${name}"] .stat-value`);

describe('queue panel webview (headless Chromium)', function () {
  this.timeout(60_000);
  let server: PanelServer;
  let bundle: string | undefined;
  let browser: Browser;
  let open: PanelPage[] = [];

  before(async function () {
    // Unpacking the npm Chromium the first time and starting a browser on a busy machine both
    // take a while. Fail loudly (never skip) when no browser starts.
    this.timeout(120_000);
    browser = await launchChromium((line) => console.log(`    ${line}`));
    bundle = await buildBundle();
    server = await startPanelServer(bundle);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  });
  afterEach(async function () {
    for (const p of open) {
      const violations = await cspViolations(p.page);
      await p.page.close();
      if (this.currentTest?.state === 'passed') {
        assert.deepEqual(violations, [], 'the CSP blocked something the panel needs');
        assert.deepEqual(p.errors, [], 'page errors');
      }
    }
    open = [];
  });

  async function panel(theme: ThemeKind = 'light', fixture?: Fixture, clockAt?: number): Promise<Page> {
    const p = await openPanel(browser, server.url(theme), clockAt === undefined ? {} : { clockAt });
    open.push(p);
    if (fixture) await showState(p.page, fixture, clockAt);
    return p.page;
  }

  async function showState(page: Page, fixture: Fixture, hostNow?: number): Promise<void> {
    const msg = stateFixture(fixture, hostNow);
    await postHost(page, msg);
    await page.waitForFunction(
      (at) => (globalThis as unknown as PageGlobals).document.querySelector('.panel-header')?.getAttribute('data-updated') === String(at),
      msg.state.lastUpdated,
    );
  }

  async function gauges(page: Page): Promise<{ dimension: string; percent: string; className: string }[]> {
    return page.locator('.gauge').evaluateAll((nodes) =>
      nodes.map((n) => ({
        dimension: n.getAttribute('data-dimension') ?? '',
        percent: n.querySelector('.gauge-percent')?.textContent ?? '',
        className: n.className,
      })),
    );
  }

  it('healthy run: gauges, counts, ETA, cost, batches and events as a user sees them', async () => {
    const page = await panel('light', 'healthy');
    assert.deepEqual(await gauges(page), [
      { dimension: 'requests', percent: '42%', className: 'gauge health-healthy' },
      { dimension: 'inputTokens', percent: '55%', className: 'gauge health-healthy' },
      { dimension: 'outputTokens', percent: '31%', className: 'gauge health-healthy' },
    ]);
    assert.equal(await text(page, '.pace-badge'), 'Running below the limits:');
    assert.equal(await text(page, '.pace'), 'Running below the limits: 55% of the input tokens limit in use.');
    assert.equal(await stat(page, 'queued'), '77,877');
    assert.equal(await stat(page, 'active'), '48/64');
    assert.equal(await stat(page, 'succeeded'), '22,000');
    assert.equal(await stat(page, 'failed'), '50');
    assert.equal(await stat(page, 'retrying'), '25');
    assert.equal(await stat(page, 'eta'), '~1 h 13 min');
    assert.equal(await text(page, '.sparkline-label'), '370/min');
    assert.equal(await stat(page, 'cost'), '$41.27 · est. $187.60 · budget $250.00');
    assert.equal(await text(page, '.progress-text'), '22,050 / 100,000 conversations (22%)');
    // The bar follows the requests, weighted by the binding limit: 30 %, ahead of the conversations.
    assert.equal(await text(page, '.work-text'), '180,400 of 600,000 requests · 30 % of the work');
    assert.equal(await page.locator('.progress-track').getAttribute('aria-valuenow'), '30');
    assert.equal(
      await page.locator('.stat-eta').getAttribute('title'),
      'at the measured pace, within the 400,000 input tokens/min the API reported',
    );
    assert.equal(await page.locator('.estimate-check').isVisible(), false);
    assert.equal(await page.locator('.sparkline polyline').count(), 1);
    assert.equal(await page.locator('.dry-run-banner').isVisible(), false);

    const names = await texts(page, '.batch-row .batch-name');
    assert.deepEqual(names, ['support-dialogues', 'tutoring <b>sessions</b>', 'negotiations']);
    assert.equal(await page.locator('.batch-name b').count(), 0, 'host strings are text, never markup');
    assert.equal(await text(page, '.batch-row[data-batch-id="b3"] .batch-state'), 'paused');

    const events = await texts(page, '.event-message');
    assert.equal(events.length, 100);
    assert.match(events[0]!, /^event 100:/, 'newest first');
    assert.match(events[99]!, /^event 1 /);
    await screenshot(page, 'healthy-light');
  });

  it('prompt caching: the cost line shows the share of input read from the cache and the money saved; none without caching', async () => {
    const page = await panel('light', 'healthy');
    // a run that has read nothing from the cache says nothing about it
    assert.equal(await stat(page, 'cost'), '$41.27 · est. $187.60 · budget $250.00');
    assert.doesNotMatch(await stat(page, 'cost'), /cache/);
    const msg = stateFixture('healthy');
    msg.state.cost = { ...msg.state.cost, cache: { readShare: 0.894, savedUsd: 12.5 } };
    msg.state.lastUpdated += 1;
    await postHost(page, msg);
    await page.waitForFunction(
      (at) => (globalThis as unknown as PageGlobals).document.querySelector('.panel-header')?.getAttribute('data-updated') === String(at),
      msg.state.lastUpdated,
    );
    assert.equal(await stat(page, 'cost'), '$41.27 · est. $187.60 · budget $250.00 · cache 89% of input, saved $12.50');
    // and it goes again when a state without cache figures follows
    await showState(page, 'healthy', msg.state.lastUpdated + 1);
    assert.equal(await stat(page, 'cost'), '$41.27 · est. $187.60 · budget $250.00');
  });

  it('Message Batches: a section lists each batch (id, file, state, counts, written, age, expiry), hidden when there are none', async () => {
    const page = await panel('dark', 'healthy');
    assert.equal(await page.locator('.message-batches-section').isHidden(), true);
    const msg = stateFixture('healthy');
    const now = msg.state.lastUpdated;
    msg.state.messageBatches = [
      {
        id: 'msgbatch_01',
        sourceFile: 'kb.forge.yaml',
        state: 'in_progress',
        requests: 40,
        counts: null,
        written: 0,
        submittedAt: now - 12 * 60_000,
        expiresAt: now + 23 * 3600_000 + 48 * 60_000 + 30_000,
      },
      {
        id: 'msgbatch_02',
        sourceFile: 'kb.forge.yaml',
        state: 'ended',
        requests: 5,
        counts: { processing: 0, succeeded: 4, errored: 1, canceled: 0, expired: 0 },
        written: 4,
        submittedAt: now - 90 * 60_000,
        expiresAt: now,
      },
    ];
    msg.state.lastUpdated += 1;
    await postHost(page, msg);
    await page.locator('.message-batches-section').waitFor({ state: 'visible' });
    const rows = await texts(page, '.message-batches tbody tr');
    assert.equal(rows.length, 2);
    assert.match(
      rows[0]!,
      /^msgbatch_01\s+kb\.forge\.yaml · submitted 1[23] min ago\s+in progress\s+40 processing\s+0 \/ 40\s+23 h 4[89] min$/,
    );
    assert.match(rows[1]!, /^msgbatch_02\s+kb\.forge\.yaml · submitted 1 h 30 min ago\s+ended\s+4 succeeded, 1 errored\s+4 \/ 5\s+–$/);
    // A real id is 37 characters: the grid still fits the panel at its default width, its
    // columns line up, and the id is cut (not wrapped) with the whole of it in the tooltip.
    const long = 'msgbatch_011Cm8pHoq4DE0NSQLsEhKPucKkn';
    msg.state.messageBatches[0]!.id = long;
    msg.state.messageBatches[0]!.sourceFile = 'prompts/support/batched.forge.yaml';
    msg.state.lastUpdated += 1;
    await postHost(page, msg);
    await page.locator(`.message-batches .mb-main[title="${long}"]`).waitFor();
    for (const width of [1400, 800, 520]) {
      await page.setViewportSize({ width, height: 900 });
      for (const grid of ['.batches table', '.message-batches']) {
        const report = await gridReport(page.locator(grid));
        assert.deepEqual(report.misaligned, [], `${grid} at ${width}px`);
        assert.equal(report.overflowPx, 0, `${grid} at ${width}px runs ${report.overflowPx}px off the panel`);
      }
    }
  });

  it("utilization levels stay in the gauges, labelled as utilization; approaching the budget is the header's state", async () => {
    const page = await panel('dark', 'approaching');
    assert.deepEqual(
      (await gauges(page)).map((g) => [g.percent, g.className]),
      [
        ['78%', 'gauge health-approaching'],
        ['84%', 'gauge health-approaching'],
        ['51%', 'gauge health-healthy'],
      ],
    );
    assert.deepEqual(await texts(page, '.gauge-health'), [
      'Utilization: approaching (70–89%)',
      'Utilization: approaching (70–89%)',
      'Utilization: healthy (<70%)',
    ]);
    assert.match(await text(page, '.pace'), /^Approaching your budget: 85% of \$250\.00 spent/);
    await screenshot(page, 'approaching-dark');
  });

  it('at full speed: "at the limit" utilization, the header says pacing as intended, nothing red', async () => {
    const page = await panel('light', 'at-limit');
    assert.equal((await gauges(page))[0]!.className, 'gauge health-throttled');
    assert.equal(await text(page, '.gauge-health'), 'Utilization: at the limit (≥90%)');
    assert.equal(await text(page, '.pace'), 'Full speed: pacing at the requests limit (4,000/min), as intended.');
    assert.equal(await page.locator('.pace').getAttribute('class'), 'pace pace-atLimit');
    assert.equal(await page.locator('.pause-countdown').isVisible(), false);
  });

  it('held back by a 429: the header says so and why, with a countdown that ticks down locally', async () => {
    // The page runs on Playwright's clock, paused, so the countdown is checked to the second.
    const t0 = Date.UTC(2025, 9, 30, 12, 0, 0);
    const page = await panel('dark', undefined, t0);
    await page.clock.pauseAt(t0 + 10_000);
    await postHost(page, stateFixture('throttled')); // paused for 30 s from the snapshot
    await page.clock.runFor(20); // one frame, to draw it
    assert.deepEqual(
      (await gauges(page)).map((g) => g.className),
      ['gauge health-throttled', 'gauge health-throttled', 'gauge health-approaching'],
    );
    assert.equal(await text(page, '.pace-badge'), 'Held back by the API:');
    assert.equal(await text(page, '.pace'), 'Held back by the API: a 429 (rate limit) pause; sending resumes when it ends.');
    assert.equal(await page.locator('.pace').getAttribute('class'), 'pace pace-heldBack');
    assert.equal(await text(page, '.pause-countdown'), 'Resumes in 30 s');
    await clearPosted(page);
    await page.clock.runFor(2000);
    assert.equal(await text(page, '.pause-countdown'), 'Resumes in 28 s');
    await screenshot(page, 'throttled-dark');
    await page.setViewportSize({ width: 480, height: 900 }); // docked beside the editor
    await screenshot(page, 'throttled-narrow-dark');
    await page.clock.runFor(26_500);
    assert.equal(await text(page, '.pause-countdown'), 'Resumes in 2 s');
    await page.clock.runFor(1_500);
    assert.equal(await text(page, '.pause-countdown'), 'Resuming…');
    assert.deepEqual(await posted(page), [], 'the countdown needs no host traffic');
    // A 429 pause ends by itself: Resume is for your own pause; Pause holds the run after it.
    assert.equal(await page.locator('.resume-button').isVisible(), false);
    assert.equal(await page.locator('.pause-button').isVisible(), true);
  });

  it('paused by you: Resume, no countdown, no alarm', async () => {
    const page = await panel('light', 'user-paused');
    assert.equal(await text(page, '.pace'), 'Paused by you: nothing new is sent until you resume.');
    assert.equal(await page.locator('.resume-button').isVisible(), true);
    assert.equal(await page.locator('.pause-button').isVisible(), false);
    assert.equal(await page.locator('.pause-countdown').isVisible(), false);
    assert.equal(await stat(page, 'eta'), 'not known yet');
  });

  it('the countdown uses the host clock, so a host an hour ahead still shows ~30 s', async () => {
    const page = await panel('light');
    await showState(page, 'throttled', Date.now() + 3_600_000);
    assert.match(await text(page, '.pause-countdown'), /Resumes in (29|30) s/);
  });

  it('finished run: full progress, no time left, no run controls, nothing stale in the header', async () => {
    const page = await panel('light', 'finished');
    assert.equal(await text(page, '.progress-text'), '100,000 / 100,000 conversations (100%)');
    assert.equal(
      await text(page, '.estimate-check'),
      'Time: estimated 50 min, took 1 h 5 min (estimate −23 %). Cost: estimated $190.00, spent $181.50 (estimate +5 %). ' +
        'ETA at 20 % of the work: 50 min, actually 52 min (−4 %).',
    );
    assert.equal(await stat(page, 'eta'), '–');
    assert.equal(await page.locator('.pause-button').isVisible(), false);
    assert.equal(await page.locator('.cancel-button').isVisible(), false);
    assert.equal(await page.locator('.retry-button').isVisible(), true, '95 failed: Retry failed is offered');
    assert.equal(await page.locator('.pause-countdown').isVisible(), false);
    assert.equal(await text(page, '.pace'), 'Finished: 100,000 of 100,000 done, 95 failures.');
    assert.equal(await text(page, '.run-state'), 'finished');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`dry run shows the DRY RUN banner (${theme})`, async () => {
      const page = await panel(theme, 'dry-run');
      assert.equal(await page.locator('.dry-run-banner').isVisible(), true);
      assert.match(await text(page, '.dry-run-banner'), /^DRY RUN/);
      assert.deepEqual(await texts(page, '.gauge-limit'), new Array(3).fill('limit not reported yet'));
      assert.equal(await stat(page, 'cost'), '$0.00 · est. –');
      await screenshot(page, `dry-run-${theme}`);
    });
  }

  it('pressing Pause posts {type:"pause"}; batch controls post their batch id', async () => {
    const page = await panel('light', 'healthy');
    await clearPosted(page);
    await page.locator('.pause-button').click();
    await page.locator('.batch-row[data-batch-id="b1"] vscode-button', { hasText: 'Pause' }).click();
    await page.locator('.batch-row[data-batch-id="b3"] vscode-button', { hasText: 'Resume' }).click();
    await page.locator('.batch-row[data-batch-id="b2"] vscode-button', { hasText: 'Retry failed' }).click();
    await page.locator('.batch-row[data-batch-id="b2"] vscode-button', { hasText: 'Open dataset' }).click();
    await page.locator('.batch-row[data-batch-id="b1"] .batch-priority').click();
    await page.locator('.batch-row[data-batch-id="b1"] vscode-option', { hasText: 'low' }).click();
    assert.deepEqual(await posted(page), [
      { type: 'pause' },
      { type: 'pauseBatch', batchId: 'b1' },
      { type: 'resumeBatch', batchId: 'b3' },
      { type: 'retryFailed', batchId: 'b2' },
      { type: 'openDataset', batchId: 'b2' },
      { type: 'setBatchPriority', batchId: 'b1', priority: 'low' },
    ] satisfies WebviewMessage[]);
  });

  it('pages through 100,000 jobs with requestJobs, filters by state, and drops stale pages', async () => {
    const page = await panel('light', 'healthy');
    const requests = async () => (await posted(page)).filter((m) => m.type === 'requestJobs');
    assert.deepEqual((await requests())[0], { type: 'requestJobs', offset: 0, limit: 50 });
    await postHost(page, jobsPage(0, 50));
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('.job-row').length === 50);
    assert.equal(await text(page, '.jobs-range'), '1–50 of 100,000');
    assert.equal(await page.locator('.jobs-prev').getAttribute('disabled'), '');

    await clearPosted(page);
    await page.locator('.jobs-next').click();
    assert.deepEqual(await requests(), [{ type: 'requestJobs', offset: 50, limit: 50 }]);
    await postHost(page, jobsPage(0, 50)); // a late answer to the old query must not show
    await postHost(page, jobsPage(50, 50));
    await waitForRange(page, '51–100 of 100,000');
    assert.equal(await text(page, '.job-row td'), 'job-000050');

    await clearPosted(page);
    await page.locator('.job-state-filter').click();
    await page.locator('.job-state-filter vscode-option', { hasText: 'failed' }).click();
    assert.deepEqual(await requests(), [{ type: 'requestJobs', offset: 0, limit: 50, filter: { state: 'failed' } }]);
    await postHost(page, jobsPage(0, 50, { state: 'failed' }));
    await waitForRange(page, '1–50 of 14,286');
    assert.deepEqual([...new Set(await texts(page, '.job-row .job-state'))], ['failed']);
    await screenshot(page, 'jobs-light');
  });

  it('grids: header and row cells share their columns at every width; ids do not wrap; empty columns collapse', async () => {
    const page = await panel('light', 'healthy');
    const rows = (state: JobRow['state'], error: string | null): HostMessage => ({
      type: 'jobs',
      page: {
        offset: 0,
        limit: 50,
        filter: {},
        total: 3,
        rows: [0, 1, 2].map((i) => ({
          id: `long-dialogues-v2-c${String(i).padStart(4, '0')}`,
          batchId: 'b1',
          priority: 'normal',
          state,
          attempts: 1,
          lastError: error,
          sourceFile: 'prompts/a/rather/deep/folder/long-dialogues.forge.yaml',
        })),
      },
    });
    await postHost(page, rows('succeeded', null));
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('.job-row').length === 3);
    assert.equal(await page.locator('.jobs th.col-error').isVisible(), false, 'an empty Last error column collapses');
    for (const width of [1400, 1100, 800, 560, 420]) {
      await page.setViewportSize({ width, height: 900 });
      for (const grid of ['.batches table', '.jobs table']) {
        const report = await gridReport(page.locator(grid));
        assert.ok(report.rows > 0 && report.columns > 0, `${grid} at ${width}px: nothing measured`);
        assert.deepEqual(report.misaligned, [], `${grid} at ${width}px`);
        assert.deepEqual(report.wrappedIds, [], `${grid} at ${width}px: ids wrap`);
        // From the panel's default width up nothing runs off it; narrower, the grid scrolls.
        if (width >= 520) assert.equal(report.overflowPx, 0, `${grid} at ${width}px runs ${report.overflowPx}px off the panel`);
      }
    }
    await postHost(page, rows('failed', '529 overloaded_error: Overloaded'));
    await page.locator('.jobs th.col-error').waitFor();
    assert.equal((await gridReport(page.locator('.jobs table'))).columns, 6);
  });

  it('asks for the job page once more when the run ends, so the grid shows final states', async () => {
    // Paused page clock: the 2 s live refresh cannot fire, so any request below is the run ending.
    const t0 = Date.UTC(2025, 9, 30, 12, 0, 0);
    const page = await panel('light', undefined, t0);
    await page.clock.pauseAt(t0 + 10_000);
    const rows = (state: JobRow['state']): HostMessage => ({
      type: 'jobs',
      page: {
        offset: 0,
        limit: 50,
        filter: {},
        total: 3,
        rows: [0, 1, 2].map((i) => ({
          id: `job-${i}`,
          batchId: 'b1',
          priority: 'normal',
          state,
          attempts: 1,
          lastError: null,
          sourceFile: 'long.forge.yaml',
        })),
      },
    });
    const requests = async () => (await posted(page)).filter((m) => m.type === 'requestJobs');
    const jobStates = async () => {
      await page.clock.runFor(20); // one frame, to draw
      return texts(page, '.job-row .job-state');
    };
    await postHost(page, stateFixture('healthy', t0 + 10_000)); // running
    await postHost(page, rows('active'));
    assert.deepEqual(await jobStates(), ['active', 'active', 'active']);

    await clearPosted(page);
    await postHost(page, stateFixture('healthy', t0 + 10_000)); // still running: no extra request
    await page.clock.runFor(20);
    assert.deepEqual(await requests(), []);

    await postHost(page, stateFixture('finished', t0 + 10_000));
    await page.clock.runFor(20);
    assert.deepEqual(await requests(), [{ type: 'requestJobs', offset: 0, limit: 50 }]);
    await postHost(page, rows('succeeded'));
    assert.deepEqual(await jobStates(), ['succeeded', 'succeeded', 'succeeded']);

    await clearPosted(page);
    await postHost(page, stateFixture('finished', t0 + 10_000)); // no change: an idle panel sends nothing
    await page.clock.runFor(3_000);
    assert.deepEqual(await requests(), []);
  });

  it('restores the last state from getState on reload and renders it before sending ready', async () => {
    const page = await panel('light', 'approaching');
    await page.locator('.job-state-filter').click();
    await page.locator('.job-state-filter vscode-option[value="failed"]').click();
    await postHost(page, jobsPage(0, 50, { state: 'failed' }));
    await waitForRange(page, '1–50 of 14,286');
    await page.reload();
    await waitForPanel(page);
    assert.deepEqual(
      (await gauges(page)).map((g) => g.percent),
      ['78%', '84%', '51%'],
    );
    const sent = await postedWithView(page);
    assert.deepEqual(sent[0], { message: { type: 'ready' }, gaugeText: '78%' });
    // The job query is view state too: the same page of the same filter, asked for again.
    assert.deepEqual(sent[1]?.message, { type: 'requestJobs', offset: 0, limit: 50, filter: { state: 'failed' } });
    assert.equal(await page.locator('.job-state-filter').getAttribute('current-value'), 'failed');
    assert.equal(await text(page, '.jobs-range'), '1–50 of 14,286');
    assert.equal(await page.locator('.job-row').count(), 50);
  });

  it('ignores malformed host messages instead of rendering them', async () => {
    const page = await panel('light', 'healthy');
    const bad = stateFixture('healthy');
    (bad.state.limits.requests as { utilization: unknown }).utilization = 'lots';
    await postHost(page, bad);
    await postHost(page, { type: 'explode' });
    await page.waitForTimeout(50);
    assert.equal((await gauges(page))[0]!.percent, '42%');
    open[0]!.errors.length = 0; // the console warning about the ignored message is expected
  });
});
