import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { FakeClock } from '../support/fake-clock';
import { HELLO, pendingLatency, startFixture, thrown, type SimFixture } from './sim-support';

describe('sim: faults', () => {
  let f: SimFixture;
  afterEach(async () => f.sim.close());

  it('spend cap: 429 enforced_spend_limit_reached without retry-after', async () => {
    f = await startFixture({ faults: { script: [{ kind: 'spend_cap' }] } });
    const err = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal(err.errorCode, 'enforced_spend_limit_reached');
    assert.equal(err.headers.get('retry-after'), null);
    // the script is used up: the next request succeeds
    await f.client.messages.create(HELLO);
  });

  it('ramp limit: 429 ramp_limit_exceeded with retry-after', async () => {
    f = await startFixture({ faults: { script: [{ kind: 'ramp_limit' }], rampRetryAfterSeconds: 3 } });
    const err = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal(err.errorCode, 'ramp_limit_exceeded');
    assert.equal(err.headers.get('retry-after'), '3');
  });

  it('overloaded and server errors come back as 529 and 500', async () => {
    f = await startFixture({ faults: { script: [{ kind: 'overloaded' }, { kind: 'server_error' }, { kind: 'midstream_overload' }] } });
    const a = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(a instanceof Anthropic.APIError && a.status === 529 && a.type === 'overloaded_error');
    const b = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(b instanceof Anthropic.InternalServerError && b.type === 'api_error');
    // mid-stream overload on a non-streaming request is a plain 529
    const c = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(c instanceof Anthropic.APIError && c.status === 529);
  });

  it('mid-stream overload: the SDK throws an APIError with no status and type overloaded_error', async () => {
    f = await startFixture({ faults: { script: [{ kind: 'midstream_overload' }], midstreamDeltas: 2 } });
    const stream = f.client.messages.stream(HELLO);
    const deltas: string[] = [];
    stream.on('text', (t) => deltas.push(t));
    const err = await thrown(() => stream.finalMessage());
    assert.ok(err instanceof Anthropic.APIError, String(err));
    assert.equal(err.status, undefined);
    assert.equal(err.type, 'overloaded_error');
    assert.equal(deltas.length, 2);
    assert.equal(f.sim.stats().streamErrors, 1);
  });

  it('connection reset: the SDK throws APIConnectionError', async () => {
    f = await startFixture({ faults: { script: [{ kind: 'connection_reset' }] } });
    const err = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.APIConnectionError, String(err));
    await f.client.messages.create(HELLO);
    assert.equal(f.sim.stats().byStatus['reset'], 1);
  });

  it('a storm answers 429 to everything for its window, and can be started from outside', async () => {
    const clock = new FakeClock();
    f = await startFixture({ clock, faults: { stormSeconds: 4 } });
    await f.client.messages.create(HELLO);
    const res = await fetch(`${f.sim.url}/_sim/config`, {
      method: 'POST',
      body: JSON.stringify({ faults: { script: [{ kind: 'rate_limit_storm' }] } }),
    });
    assert.equal(res.status, 200);
    const first = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(first instanceof Anthropic.RateLimitError);
    assert.equal(first.headers.get('retry-after'), '4');
    await clock.advance(2500);
    const second = await thrown(() => f.client.messages.create(HELLO));
    assert.ok(second instanceof Anthropic.RateLimitError);
    assert.equal(second.headers.get('retry-after'), '2');
    await clock.advance(1500);
    await f.client.messages.create(HELLO);
  });

  it('rates are deterministic for a seed', async () => {
    f = await startFixture(); // for afterEach: the two seeded simulators below close themselves
    const outcomes = async (): Promise<string> => {
      // Every limit out of the way (the default output-token limit refills in real time, so it
      // would let timing decide some outcomes): only the seeded faults may vary the outcome.
      const big = { requestsPerMinute: 1_000_000, inputTokensPerMinute: 1_000_000_000, outputTokensPerMinute: 1_000_000_000 };
      const g = await startFixture({ seed: 99, limits: { default: big }, faults: { rates: { overloaded: 0.3, server_error: 0.2 } } });
      try {
        let s = '';
        for (let i = 0; i < 20; i++) {
          s += await g.client.messages.create(HELLO).then(
            () => '.',
            (e: InstanceType<typeof Anthropic.APIError>) => String(e.status).charAt(0),
          );
        }
        return s;
      } finally {
        await g.sim.close();
      }
    };
    const a = await outcomes();
    const b = await outcomes();
    assert.equal(a, b);
    assert.match(a, /5/);
    assert.match(a, /\./);
    assert.doesNotMatch(a, /4/, 'no limit was met');
  });

  it('slow multiplies latency', async () => {
    // On a fake clock the simulator's latency is a timer we can read, exactly, however busy the machine.
    const clock = new FakeClock();
    f = await startFixture({
      clock,
      latency: { baseMs: 20, perOutputTokenMs: 0, jitterMs: 0 },
      // two requests back to back: more than the default 1 s window admits at 50 RPM
      burstSeconds: 6,
      faults: { script: [{ kind: 'slow' }], slowFactor: 10 },
    });
    const slow = f.client.messages.create(HELLO);
    assert.equal(await pendingLatency(clock), 200);
    await clock.advance(200);
    await slow;
    const normal = f.client.messages.create(HELLO);
    assert.equal(await pendingLatency(clock), 20);
    await clock.advance(20);
    await normal;
  });
});
