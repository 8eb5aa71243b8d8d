import assert from 'node:assert/strict';
import { CacheOutlook, watchProcessor } from '../../../../src/core/generate/cache/cache-outlook';
import { RunCache } from '../../../../src/core/generate/cache/run-cache';
import { FakeClock } from '../../../support/fake-clock';
import { specOf } from '../strategies/fixtures';

const MIN = 60_000;

function processor() {
  const listeners = new Map<string, ((e: never) => void)[]>();
  return {
    stats: { queued: { high: 0, normal: 0, low: 0 } },
    on(type: string, l: (e: never) => void) {
      listeners.set(type, [...(listeners.get(type) ?? []), l]);
      return {
        dispose: () =>
          listeners.set(
            type,
            (listeners.get(type) ?? []).filter((x) => x !== l),
          ),
      };
    },
    emit(type: string, e: unknown) {
      for (const l of listeners.get(type) ?? []) l(e as never);
    },
  };
}

const LIMITS = { requestsPerMinute: 50, inputTokensPerMinute: 10_000, outputTokensPerMinute: 4_000 };
/** The processor's health event, with one class's snapshot. */
const health = (limits = LIMITS, extra: object = {}) => ({ snapshot: { limiters: [{ modelClass: 'haiku', limits, ...extra }] } });

describe('cache TTL plan at dispatch', () => {
  const turns = specOf({ strategy: 'turns', turns: 10 });
  const dispatch = (transcriptLength: number, id = 'c-1', priority: 'high' | 'normal' | 'low' = 'normal') => ({
    id,
    modelClass: 'haiku',
    priority,
    next: { inputTokens: 300, maxTokens: 2000, expectedOutputTokens: 200 },
    transcriptLength,
  });

  it('a conversation turning quickly writes 5m; a 429 pause announced longer than five minutes makes the next writes 1h', async () => {
    const clock = new FakeClock();
    const cache = new RunCache({ clock });
    const p = processor();
    const sub = watchProcessor(p, cache.outlook, () => clock.now());
    cache.outlook.observeLatency(4000);
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '5m');
    p.emit('paused', { reason: 'rate_limit', until: clock.now() + 8 * MIN });
    assert.equal(cache.planTtl(turns, dispatch(2))?.reason, 'read-within-1h');
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '1h');
    // the last request of its side: nobody reads what it writes, whatever the hold
    assert.equal(cache.settingsFor(turns, dispatch(8))!.ttl, '5m');
    p.emit('resumed', { reason: 'rate_limit' });
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '5m', 'the resume ended the hold');
    // a short pause does not
    p.emit('paused', { reason: 'rate_limit', until: clock.now() + 30_000 });
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '5m');
    sub.dispose();
    p.emit('paused', { reason: 'rate_limit', until: clock.now() + 20 * MIN });
    await clock.advance(31_000);
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '5m', 'disposed: no longer listening');
  });

  it('held back by its limits: many conversations in rotation at a low ITPM plan the hour, few do not', async () => {
    const clock = new FakeClock();
    const cache = new RunCache({ clock });
    const p = processor();
    watchProcessor(p, cache.outlook, () => clock.now());
    p.emit('health', health());
    cache.outlook.observeLatency(4000);
    cache.outlook.stepped('c-1', 'haiku', clock.now());
    // 300 input tokens at 10k ITPM and 200 output at 4k OTPM: 3 s a request; 1 conversation: 5m
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '5m');
    for (let i = 2; i <= 60; i++) cache.outlook.stepped(`c-${i}`, 'haiku', clock.now());
    // 60 in rotation: 3 min a step, 6 min until this side's next turn
    assert.equal(cache.planTtl(turns, dispatch(2))?.gapMs, 6 * MIN);
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '1h');
    for (let i = 2; i <= 60; i++) p.emit('succeeded', { job: { id: `c-${i}` } });
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '5m', 'finished conversations left the rotation');
    // a higher priority's queue goes first: 59 high jobs hold a normal conversation back, not a high one
    p.stats.queued = { high: 59, normal: 0, low: 0 };
    p.emit('step', { job: { modelClass: 'haiku' } });
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '1h');
    assert.equal(cache.settingsFor(turns, dispatch(2, 'c-1', 'high'))!.ttl, '5m');
  });

  it('a health snapshot brings the rate the limiter allows (its throttle too) and a 429 pause the shared limits know of', async () => {
    const clock = new FakeClock();
    const cache = new RunCache({ clock });
    const p = processor();
    watchProcessor(p, cache.outlook, () => clock.now());
    for (let i = 1; i <= 40; i++) cache.outlook.stepped(`c-${i}`, 'haiku', clock.now());
    // 40 in rotation at 3 s a request: 2 min a step, 4 min to this side's next turn, inside the margin
    p.emit('health', health());
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '5m');
    // held at half the limits after an unexplained 429: 8 min
    p.emit('health', health(LIMITS, { throttle: { share: 0.5, reason: 'unexplained_429' } }));
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '1h');
    const alone = new RunCache({ clock });
    watchProcessor(p, alone.outlook, () => clock.now());
    p.emit('health', health(LIMITS, { pausedUntil: clock.now() + 8 * MIN }));
    assert.equal(alone.settingsFor(turns, dispatch(2))!.ttl, '1h');
    await clock.advance(8 * MIN);
    assert.equal(alone.settingsFor(turns, dispatch(2))!.ttl, '5m', 'the pause is over');
  });

  it('cache: 1h still forces the hour and cache: off still sends nothing, whatever the plan', () => {
    const clock = new FakeClock();
    const cache = new RunCache({ clock });
    assert.equal(cache.settingsFor({ ...turns, cache: '1h' }, dispatch(8))!.ttl, '1h');
    cache.outlook.expectHold({ from: clock.now(), until: clock.now() + 20 * MIN, reason: 'user' });
    assert.equal(cache.settingsFor({ ...turns, cache: 'off' }, dispatch(2)), undefined);
    assert.equal(new RunCache({ clock, mode: 'off' }).settingsFor(turns, dispatch(2)), undefined);
  });

  it('the observed gaps still speak when the plan saw nothing coming, and the plan can be turned off', () => {
    const clock = new FakeClock();
    const planned = new RunCache({ clock });
    planned.planner.observeGap(9 * MIN);
    assert.equal(planned.settingsFor(turns, dispatch(2))!.ttl, '1h');
    assert.equal(planned.settingsFor(turns, dispatch(8))!.ttl, '5m', 'not read again: the observed gaps do not matter');
    const unplanned = new RunCache({ clock, plan: false });
    unplanned.outlook.expectHold({ from: clock.now(), until: clock.now() + 20 * MIN, reason: 'user' });
    assert.equal(unplanned.settingsFor(turns, dispatch(2))!.ttl, '5m');
  });

  it('a pause of yours, once over, explains the gap it caused: the observed-gap fallback does not turn the hour on for it', async () => {
    const clock = new FakeClock();
    const cache = new RunCache({ clock });
    const p = processor();
    watchProcessor(p, cache.outlook, () => clock.now());
    const before = clock.now();
    p.emit('paused', { reason: 'user' });
    await clock.advance(10 * MIN);
    p.emit('resumed', { reason: 'user' });
    cache.observeGap(before, clock.now() + 20_000);
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '5m');
    // the same gap with no pause behind it is what the fallback is for
    await clock.advance(10 * MIN);
    cache.observeGap(clock.now() - 9 * MIN, clock.now());
    assert.equal(cache.settingsFor(turns, dispatch(2))!.ttl, '1h');
  });

  it('the rotation counts each conversation under way once, per class, and forgets one not heard from for an hour', () => {
    const outlook = new CacheOutlook();
    outlook.stepped('a', 'haiku', 0);
    outlook.stepped('b', 'haiku', 10 * MIN);
    outlook.stepped('c', 'sonnet', 20 * MIN);
    outlook.stepped('a', 'haiku', 30 * MIN);
    assert.equal(outlook.rotation('haiku', 30 * MIN), 2, 'a conversation stepping again is still one');
    assert.equal(outlook.rotation('sonnet', 30 * MIN), 1);
    assert.equal(outlook.rotation('opus', 30 * MIN), 1, 'at least the one asking');
    outlook.ended('a');
    outlook.ended('a');
    outlook.ended('never-seen');
    assert.equal(outlook.rotation('haiku', 30 * MIN), 1, 'ended once, however often told');
    outlook.stepped('d', 'haiku', 65 * MIN);
    // b (10 min) is over an hour old at 71 min; c (20 min) and d are not
    assert.equal(outlook.rotation('haiku', 71 * MIN), 1, 'b was forgotten, d counts');
    outlook.stepped('e', 'sonnet', 75 * MIN);
    assert.equal(outlook.rotation('sonnet', 75 * MIN), 2);
    assert.equal(outlook.rotation('sonnet', 81 * MIN), 1, 'c was forgotten, e counts');
  });

  it('holds that are over are forgotten', async () => {
    const clock = new FakeClock();
    const outlook = new CacheOutlook();
    outlook.expectHold({ from: clock.now(), until: clock.now() + MIN, reason: 'outage' });
    assert.equal(outlook.holds(clock.now()).length, 1);
    await clock.advance(MIN);
    assert.equal(outlook.holds(clock.now()).length, 0);
  });
});

describe('cache TTL plan for Message Batches', () => {
  const turns = specOf({ strategy: 'turns', turns: 10 });

  it('auto writes for the hour: a Message Batch is read again minutes to an hour later, not within five', () => {
    const clock = new FakeClock();
    assert.deepEqual(new RunCache({ clock }).messageBatchSettingsFor(turns), { ttl: '1h', minTokens: 512 });
    assert.equal(new RunCache({ clock }).messageBatchSettingsFor(specOf())!.ttl, '1h');
  });

  it('cache: 1h and off keep their meaning; without the plan only the observed gaps speak', () => {
    const clock = new FakeClock();
    const cache = new RunCache({ clock });
    assert.equal(cache.messageBatchSettingsFor({ ...turns, cache: '1h' })!.ttl, '1h');
    assert.equal(cache.messageBatchSettingsFor({ ...turns, cache: 'off' }), undefined);
    assert.equal(new RunCache({ clock, plan: false }).messageBatchSettingsFor(turns)!.ttl, '5m');
  });
});
