import assert from 'node:assert/strict';
import { classify, type ErrorKind } from '../../src/core/errors';
import { HELLO, startFixture, thrown, type SimFixture } from './sim-support';
import type Anthropic from '@anthropic-ai/sdk';

/** The engine's one classifier must read every error this simulator can produce correctly. */
describe('sim: errors classify to the right kinds', () => {
  let f: SimFixture;
  afterEach(async () => f.sim.close());

  async function kindOf(setup: Parameters<typeof startFixture>[0], call: (c: Anthropic) => Promise<unknown>) {
    f = await startFixture(setup);
    return classify(await thrown(() => call(f.client)));
  }
  const create = (c: Anthropic) => c.messages.create(HELLO);

  const expectKind = (got: { kind: ErrorKind }, kind: ErrorKind) => assert.equal(got.kind, kind, JSON.stringify(got));

  it('rate limited, with retryAfterMs from retry-after', async () => {
    const c = await kindOf({ limits: { default: { requestsPerMinute: 10 } } }, async (client) => {
      await client.messages.create(HELLO);
      return client.messages.create(HELLO);
    });
    expectKind(c, 'rate_limited');
    assert.equal(c.retryAfterMs, 6000);
    assert.equal(c.action, 'pause');
    assert.ok(c.headers?.get('anthropic-ratelimit-requests-limit'));
  });

  it('spend cap stops the run', async () => {
    const c = await kindOf({ faults: { script: [{ kind: 'spend_cap' }] } }, create);
    expectKind(c, 'spend_cap');
    assert.equal(c.retryAfterMs, undefined);
    assert.equal(c.action, 'stop_run');
  });

  it('ramp limit is an acceleration limit', async () => {
    expectKind(await kindOf({ faults: { script: [{ kind: 'ramp_limit' }] } }, create), 'acceleration_limit');
  });

  it('overloaded: 529 and mid-stream', async () => {
    expectKind(await kindOf({ faults: { script: [{ kind: 'overloaded' }] } }, create), 'overloaded');
    await f.sim.close();
    const mid = await kindOf({ faults: { script: [{ kind: 'midstream_overload' }] } }, (c) => c.messages.stream(HELLO).finalMessage());
    expectKind(mid, 'overloaded');
    assert.equal(mid.retryable, true);
  });

  it('server error and connection reset', async () => {
    expectKind(await kindOf({ faults: { script: [{ kind: 'server_error' }] } }, create), 'server');
    await f.sim.close();
    expectKind(await kindOf({ faults: { script: [{ kind: 'connection_reset' }] } }, create), 'network');
  });

  it('auth, invalid request, not found, too large', async () => {
    expectKind(await kindOf({ acceptKey: () => false }, create), 'auth');
    await f.sim.close();
    expectKind(
      await kindOf({}, (c) => c.messages.create({ ...HELLO, temperature: 1 } as Parameters<Anthropic['messages']['create']>[0])),
      'invalid_request',
    );
    await f.sim.close();
    expectKind(await kindOf({}, (c) => c.messages.create({ ...HELLO, model: 'claude-nope' })), 'not_found');
    await f.sim.close();
    expectKind(await kindOf({ maxBodyBytes: 50 }, create), 'too_large');
  });
});
