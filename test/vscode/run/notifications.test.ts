import * as assert from 'node:assert/strict';
import type { RunSummary } from '../../../src/core/generate/run/run-types';
import type { NotificationLevel } from '../../../src/vscode/config';
import { BUTTONS, Notifier } from '../../../src/vscode/run/notifications';
import type { ControllerEvents, RunNotice } from '../../../src/vscode/run/run-controller';
import { FakeClock } from '../../support/fake-clock';
import { FakeUi } from '../support/fakes';

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    state: 'finished', total: 6, generated: 6, skipped: 0, failed: 0, skippedFailed: 0, remaining: 0, requests: 6, rateLimited: 0,
    inputTokens: 100, outputTokens: 200, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, costUsd: 0.0123,
    wallSeconds: 3, datasets: [{ batch: 'small', path: '/w/datasets/small.jsonl', generated: 6 }], ...over,
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
  const actions = { openDataset: (p: string) => opened.push(p), retryFailed: () => opened.push('retry'), setApiKey: () => opened.push('key'), showOutput: () => opened.push('log') };
  let lvl = level;
  const notifier = new Notifier(controller, ui, clock, () => lvl, actions);
  return { ui, clock, send: (n: RunNotice) => listener!(n), opened, notifier, setLevel: (l: NotificationLevel) => (lvl = l) };
}

describe('notifications', () => {
  it('approaching: once per run until health recovers, then once again (after the cooldown)', async () => {
    const t = setup();
    t.send({ type: 'started', simulated: false, files: [] });
    for (let i = 0; i < 50; i++) t.send({ type: 'health', health: i % 2 ? 'throttled' : 'approaching' });
    assert.equal(t.ui.shown.length, 1);
    t.send({ type: 'health', health: 'healthy' });
    t.send({ type: 'health', health: 'approaching' });
    assert.equal(t.ui.shown.length, 1, 'cooldown holds a flapping verdict back');
    await t.clock.advance(61_000);
    t.send({ type: 'health', health: 'healthy' });
    t.send({ type: 'health', health: 'approaching' });
    assert.equal(t.ui.shown.length, 2);
  });

  it('a 429 storm gives one "paused for N s" and one "resumed"', () => {
    const t = setup();
    t.send({ type: 'started', simulated: false, files: [] });
    const now = t.clock.now();
    for (let i = 0; i < 100; i++) t.send({ type: 'rateLimitPaused', until: now + 12_000 + i, kind: 'rate_limited' });
    t.send({ type: 'rateLimitResumed' });
    t.send({ type: 'rateLimitResumed' });
    assert.deepEqual(t.ui.messages(), ['Conversation Forge: paused for 12 s: rate limited (429). It resumes by itself.', 'Conversation Forge: resumed after the rate-limit pause.']);
    // the next pause inside the cooldown is silent, and so is its resume
    t.send({ type: 'rateLimitPaused', until: now + 5000 });
    t.send({ type: 'rateLimitResumed' });
    assert.equal(t.ui.shown.length, 2);
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

  it('stopped for auth is an error with Set API Key; spend cap names the cap; budget is a warning', async () => {
    const t = setup('important');
    t.ui.buttonAnswers.push(BUTTONS.setApiKey);
    t.send({ type: 'stopped', summary: summary({ state: 'stopped', remaining: 3 }), kind: 'auth', message: 'authentication failed: check the API key' });
    t.send({ type: 'stopped', summary: summary({ state: 'stopped' }), kind: 'spend_cap', message: 'monthly spend cap reached' });
    t.send({ type: 'stopped', summary: summary({ state: 'stopped' }), kind: 'budget', message: 'budget reached' });
    assert.deepEqual(t.ui.shown.map((s) => s.level), ['error', 'error', 'warn']);
    assert.match(t.ui.shown[0]!.message, /authentication failed.*3 conversations left/);
    assert.match(t.ui.shown[1]!.message, /monthly spend cap/);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(t.opened, ['key']);
  });

  it('"important" shows only finished/stopped; "none" shows nothing; switching level does not replay', () => {
    const t = setup('important');
    t.send({ type: 'health', health: 'approaching' });
    t.send({ type: 'rateLimitPaused', until: t.clock.now() + 1000 });
    t.send({ type: 'rateLimitResumed' });
    assert.equal(t.ui.shown.length, 0);
    t.setLevel('all');
    t.send({ type: 'health', health: 'approaching' });
    assert.equal(t.ui.shown.length, 0, 'the approaching transition already happened');
    t.setLevel('none');
    t.send({ type: 'finished', summary: summary(), simulated: false });
    assert.equal(t.ui.shown.length, 0);
  });
});
