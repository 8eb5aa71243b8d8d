import assert from 'node:assert/strict';
import { startSimulator, type SimulatorOptions } from '../../src/sim/index';

describe('sim: options are validated up front', () => {
  const rejects = (options: unknown, message: string) =>
    assert.rejects(
      () => startSimulator(options as SimulatorOptions),
      (err: Error) => {
        assert.ok(err instanceof TypeError);
        assert.equal(err.message, message);
        return true;
      },
    );

  it('names the field, the expectation and the value', async () => {
    await rejects(
      { limits: { default: { requestsPerMinute: 0 } } },
      'Expected `limits.default.requestsPerMinute` to be a number from 1 and up, got `0` (number)',
    );
    await rejects({ port: 70000 }, 'Expected `port` to be an integer from 0 to 65535, got `70000` (number)');
    await rejects({ outputAccounting: 'later' }, "Expected `outputAccounting` to be 'actual' or 'reserve', got `later` (string)");
    await rejects(
      { faults: { rates: { overloaded: 2 } } },
      'Expected `faults.rates.overloaded` to be a number from 0 to 1, got `2` (number)',
    );
    await rejects(
      { faults: { script: [{ kind: 'meteor' }] } },
      'Expected `faults.script.0.kind` to be one of rate_limit_storm, overloaded, server_error, connection_reset, midstream_overload, spend_cap, ramp_limit, slow, got `meteor` (string)',
    );
  });

  it('rejects unknown keys so a typo never leaves a default in place', async () => {
    await rejects(
      { limits: { sonet: {} } },
      'Expected `limits.sonet` to be one of the keys default, opus, sonnet, haiku, fable, got `sonet` (string)',
    );
    await rejects(
      { latncy: {} },
      'Expected `options.latncy` to be one of the keys limits, countTokensRequestsPerMinute, burstSeconds, countTokensBurstSeconds, latency, output, thinking, outputAccounting, faults, maxBodyBytes, messageBatches, host, port, seed, acceptKey, clock, got `latncy` (string)',
    );
  });

  it('applies a class override after the default', async () => {
    const sim = await startSimulator({ limits: { default: { requestsPerMinute: 7 }, opus: { requestsPerMinute: 3 } } });
    try {
      assert.equal(sim.stats().limits.opus.requestsPerMinute, 3);
      assert.equal(sim.stats().limits.haiku.requestsPerMinute, 7);
      assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await sim.close();
    }
  });
});
