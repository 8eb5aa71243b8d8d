import assert from 'node:assert/strict';
import { PrefixGate } from '../../../../src/core/generate/cache/prefix-gate';
import { TtlPlanner } from '../../../../src/core/generate/cache/ttl-planner';
import { FakeClock } from '../../../support/fake-clock';

const FIVE_MIN = 5 * 60_000;

describe('prefix gate', () => {
  it('the first request writes; its siblings wait for its response to begin (not finish), then read', async () => {
    const clock = new FakeClock(0);
    const gate = new PrefixGate(clock);
    assert.equal(await gate.enter('k', FIVE_MIN), 'write');
    const roles: string[] = [];
    const siblings = [gate.enter('k', FIVE_MIN), gate.enter('k', FIVE_MIN)].map((p) => p.then((r) => roles.push(r)));
    await clock.advance(1000);
    assert.deepEqual(roles, [], 'nobody goes while the writer has not begun');
    gate.begun('k', 0, FIVE_MIN);
    await Promise.all(siblings);
    assert.deepEqual(roles, ['read', 'read']);
    assert.ok(gate.isWarm('k'));
  });

  it('a writer that fails lets exactly one waiter write next', async () => {
    const clock = new FakeClock(0);
    const gate = new PrefixGate(clock);
    await gate.enter('k', FIVE_MIN);
    const roles: string[] = [];
    const siblings = [gate.enter('k', FIVE_MIN), gate.enter('k', FIVE_MIN)].map((p) => p.then((r) => roles.push(r)));
    gate.failed('k');
    await clock.advance(0);
    assert.deepEqual(roles, ['write']);
    gate.begun('k', clock.now(), FIVE_MIN);
    await Promise.all(siblings);
    assert.deepEqual(roles, ['write', 'read']);
  });

  it('an entry unused for its TTL is written again, and the gap is reported to the TTL planner', async () => {
    const clock = new FakeClock(0);
    const gate = new PrefixGate(clock);
    const planner = new TtlPlanner();
    await gate.enter('k', FIVE_MIN);
    gate.begun('k', 0, FIVE_MIN);
    await clock.advance(FIVE_MIN + 1);
    assert.equal(await gate.enter('k', FIVE_MIN, undefined, (gap) => planner.observeGap(gap)), 'write');
    assert.equal(planner.ttl(), '1h', 'a prefix that outlived five minutes asks for the hour');
  });

  it('a waiter gives up waiting after maxWaitMs and sends (writing) anyway; an aborted waiter rejects', async () => {
    const clock = new FakeClock(0);
    const gate = new PrefixGate(clock, 10_000);
    await gate.enter('k', FIVE_MIN);
    const late = gate.enter('k', FIVE_MIN);
    await clock.advance(10_000);
    assert.equal(await late, 'write');
    const controller = new AbortController();
    const aborted = gate.enter('k', FIVE_MIN, controller.signal);
    controller.abort();
    await assert.rejects(aborted);
  });
});

describe('TTL planner (observed gaps)', () => {
  it('stays at 5 minutes while prefixes are reused well inside it, and returns once long gaps age out', () => {
    const planner = new TtlPlanner();
    for (let i = 0; i < 10; i++) planner.observeGap(20_000);
    assert.equal(planner.ttl(), '5m');
    planner.observeGap(10 * 60_000);
    assert.equal(planner.ttl(), '1h');
    for (let i = 0; i < TtlPlanner.WINDOW; i++) planner.observeGap(20_000);
    assert.equal(planner.ttl(), '5m');
  });
});
