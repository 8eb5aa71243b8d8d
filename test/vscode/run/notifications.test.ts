import * as assert from 'node:assert/strict';
import type { RunSummary } from '../../../src/core/generate/run/run-types';
import type { NotificationLevel } from '../../../src/vscode/config';
import { BUTTONS, Notifier, OUTAGE_NOTICE_MS } from '../../../src/vscode/run/notifications';
import { stateFixture } from '../../webview/support/fake-host';
import type { ControllerEvents, RunNotice } from '../../../src/vscode/run/run-controller';
import { FakeClock } from '../../support/fake-clock';
import { FakeUi } from '../support/fakes';

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    state: 'finished',
    total: 6,
    generated: 6,
    skipped: 0,
    failed: 0,
    skippedFailed: 0,
    remaining: 0,
    requests: 6,
    rateLimited: 0,
    inputTokens: 100,
    outputTokens: 200,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
    costUsd: 0.0123,
    wallSeconds: 3,
    datasets: [{ batch: 'small', path: '/w/datasets/small.jsonl', generated: 6 }],
    ...over,
  };
}

function setup(level: NotificationLevel = 'all') {
  const ui = new FakeUi();
  const clock = new FakeClock();
  let listener: ((n: RunNotice) => void) | undefined;
  const controller = {
    on: <K extends keyof ControllerEvents>(_t: K, l: (e: ControllerEvents[K]) => void) => {
      listener = l as (n: RunNotice) => void;
      return { dispose: () => (listener = undefined) };
    },
  };
  const opened: string[] = [];
  const actions = {
    openDataset: (p: string) => opened.push(p),
    retryFailed: () => opened.push('retry'),
    setApiKey: () => opened.push('key'),
    showOutput: () => opened.push('log'),
  };
  let lvl = level;
  const notifier = new Notifier(controller, ui, clock, () => lvl, actions);
  return { ui, clock, send: (n: RunNotice) => listener!(n), opened, notifier, setLevel: (l: NotificationLevel) => (lvl = l) };
}

describe('notifications (quiet by default)', () => {
  it('429 pauses, resumes and utilization levels never notify: they are in the status bar and the events', () => {
    const t = setup();
    t.send({ type: 'started', simulated: false, files: [] });
    const now = t.clock.now();
    for (let i = 0; i < 100; i++) t.send({ type: 'rateLimitPaused', until: now + 1000 + i, kind: 'rate_limited' });
    t.send({ type: 'rateLimitResumed' });
    for (let i = 0; i < 50; i++) t.send({ type: 'health', health: i % 2 ? 'throttled' : 'approaching' });
    assert.deepEqual(t.ui.messages(), []);
  });

  it('an outage (held back by failing requests) is told once per run, after it has lasted, with Show Log', async () => {
    const t = setup();
    const panel = stateFixture('healthy').state;
    const outage = {
      ...panel,
      pace: 'heldBack' as const,
      heldBackBy: 'outage' as const,
      paceText: 'Held back by the API: 4 requests wait to retry after errors (529 overloaded_error: Overloaded), none in flight.',
    };
    t.send({ type: 'started', simulated: false, files: [] });
    t.notifier.watchPace(outage);
    await t.clock.advance(OUTAGE_NOTICE_MS - 1000);
    t.notifier.watchPace(outage);
    assert.equal(t.ui.shown.length, 0, 'a short blip is not an outage');
    t.notifier.watchPace(panel); // recovered: the clock starts again
    t.notifier.watchPace(outage);
    await t.clock.advance(OUTAGE_NOTICE_MS - 1000);
    t.notifier.watchPace(outage);
    assert.equal(t.ui.shown.length, 0);
    await t.clock.advance(1000);
    t.ui.buttonAnswers.push(BUTTONS.showLog);
    t.notifier.watchPace(outage);
    t.notifier.watchPace(outage);
    assert.deepEqual(t.ui.messages(), ['Conversation Forge: the API is failing. ' + outage.paceText + ' The run retries by itself.']);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(t.opened, ['log']);
    // A 429 pause is held back too, but not an outage.
    t.send({ type: 'started', simulated: false, files: [] });
    t.notifier.watchPace({ ...outage, heldBackBy: 'rateLimit' });
    await t.clock.advance(OUTAGE_NOTICE_MS * 3);
    t.notifier.watchPace({ ...outage, heldBackBy: 'rateLimit' });
    assert.equal(t.ui.shown.length, 1);
  });

  it('approaching your budget is told once per run', () => {
    const t = setup();
    const near = { ...stateFixture('approaching').state };
    t.send({ type: 'started', simulated: false, files: [] });
    for (let i = 0; i < 5; i++) t.notifier.watchPace(near);
    assert.deepEqual(t.ui.messages(), [`Conversation Forge: ${near.paceText}`]);
  });

  it('finished: a summary with Open dataset (and Retry Failed when some failed); the buttons act', async () => {
    const t = setup();
    t.ui.buttonAnswers.push(BUTTONS.openDataset);
    t.send({ type: 'finished', summary: summary({ failed: 1 }), simulated: true });
    assert.equal(t.ui.shown.length, 1);
    assert.match(t.ui.shown[0]!.message, /DRY RUN run finished: 6 generated/);
    assert.deepEqual(t.ui.shown[0]!.buttons, [BUTTONS.openDataset, BUTTONS.retryFailed]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(t.opened, ['/w/datasets/small.jsonl']);
  });

  it('finished: the summary says how far the estimate was off', () => {
    const t = setup();
    const estimateCheck = {
      estimatedSeconds: 12,
      actualSeconds: 100,
      timeErrorPercent: -88,
      estimatedUsd: 0.025,
      actualUsd: 0.02,
      costErrorPercent: 25,
    };
    t.send({ type: 'finished', summary: { ...summary({}), estimateCheck }, simulated: false });
    assert.match(
      t.ui.shown[0]!.message,
      /Time: estimated 12 s, took 1 min 40 s \(estimate −88 %\)\. Cost: estimated \$0\.03, spent \$0\.02 \(estimate \+25 %\)\./,
    );
  });

  it('stopped for auth is an error with Set API Key; spend cap names the cap; budget is a warning', async () => {
    const t = setup('important');
    t.ui.buttonAnswers.push(BUTTONS.setApiKey);
    t.send({
      type: 'stopped',
      summary: summary({ state: 'stopped', remaining: 3 }),
      kind: 'auth',
      message: 'authentication failed: check the API key',
    });
    t.send({ type: 'stopped', summary: summary({ state: 'stopped' }), kind: 'spend_cap', message: 'monthly spend cap reached' });
    t.send({ type: 'stopped', summary: summary({ state: 'stopped' }), kind: 'budget', message: 'budget reached' });
    assert.deepEqual(
      t.ui.shown.map((s) => s.level),
      ['error', 'error', 'warn'],
    );
    assert.match(t.ui.shown[0]!.message, /authentication failed.*3 conversations left/);
    assert.match(t.ui.shown[1]!.message, /monthly spend cap/);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(t.opened, ['key']);
  });

  it('"important" leaves out finished and the budget; "none" shows nothing; switching level does not replay', () => {
    const t = setup('important');
    t.send({ type: 'started', simulated: false, files: [] });
    t.send({ type: 'finished', summary: summary(), simulated: false });
    t.notifier.watchPace(stateFixture('approaching').state);
    assert.equal(t.ui.shown.length, 0);
    t.setLevel('all');
    t.notifier.watchPace(stateFixture('approaching').state);
    assert.equal(t.ui.shown.length, 0, 'the budget was already passed over this run');
    t.setLevel('none');
    t.send({ type: 'finished', summary: summary(), simulated: false });
    t.send({ type: 'stopped', summary: summary({ state: 'stopped' }), kind: 'auth', message: 'authentication failed' });
    assert.equal(t.ui.shown.length, 0);
  });
});
