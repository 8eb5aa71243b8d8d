import assert from 'node:assert/strict';
import { parseCliArgs, UsageError } from '../../src/cli/args';
import { commandHelp } from '../../src/cli/help';
import { createMessageBatchClient } from '../../src/core/api/message-batch-client';
import { startSimulator } from '../../src/sim';
import { FakeClock } from '../support/fake-clock';

describe('cli: the simulator Message Batches flags', () => {
  it('turn into the simulator options, which the simulator then runs on', async () => {
    const args = parseCliArgs([
      'simulate',
      '--message-batch-seconds',
      '2.5',
      '--message-batch-expiry-seconds',
      '2',
      '--message-batch-rpm',
      '30',
      '--message-batch-queue',
      '7',
      '--message-batch-not-found-seconds',
      '1',
      '--message-batch-errored',
      '0.25',
    ]);
    assert.deepEqual(args.simMessageBatches, {
      processingSeconds: 2.5,
      expirySeconds: 2,
      requestsPerMinute: 30,
      maxQueuedRequests: 7,
      notFoundSeconds: 1,
      outcomes: { errored: { fraction: 0.25, errorType: 'overloaded_error' } },
    });

    const clock = new FakeClock();
    const sim = await startSimulator({ clock, messageBatches: args.simMessageBatches! });
    try {
      const api = createMessageBatchClient({ apiKey: 'sk-ant-flags', baseURL: sim.url });
      const request = (customId: string) => ({
        customId,
        params: { model: 'claude-haiku-5-5', messages: [{ role: 'user' as const, content: 'Hi' }], maxTokens: 50 },
      });
      const batch = await api.create([request('a'), request('b')]);
      assert.equal(batch.expiresAt - batch.createdAt, 2_000);
      await clock.advance(2_000);
      const ended = await api.retrieve(batch.id);
      // expiry (2 s) came before processing (2.5 s) ended: the request due at 2.5 s expired
      assert.equal(ended.status, 'ended');
      assert.equal(ended.counts!.expired, 1);
      assert.equal(sim.stats().messageBatches.requestsSubmitted, 2);
    } finally {
      await sim.close();
    }
  });

  it('also go with generate (for --simulate), are refused elsewhere and checked for range', () => {
    assert.deepEqual(parseCliArgs(['generate', 'x.forge.yaml', '--simulate', '--message-batch-seconds', '0']).simMessageBatches, {
      processingSeconds: 0,
    });
    assert.equal(parseCliArgs(['simulate']).simMessageBatches, undefined);
    assert.throws(
      () => parseCliArgs(['estimate', 'x.forge.yaml', '--message-batch-rpm', '5']),
      /--message-batch-rpm is not an option of estimate/,
    );
    assert.throws(
      () => parseCliArgs(['simulate', '--message-batch-errored', '1.5']),
      (err: unknown) => {
        return err instanceof UsageError && /--message-batch-errored: expected a number from 0 to 1, got `1.5`/.test(err.message);
      },
    );
    assert.throws(() => parseCliArgs(['simulate', '--message-batch-rpm', '0']), /--message-batch-rpm: expected an integer from 1 up/);
    assert.match(commandHelp('simulate'), /--message-batch-seconds S/);
  });
});
