import assert from 'node:assert/strict';
import * as net from 'node:net';
import { parseCliArgs, UsageError } from '../../src/cli/args';
import { commandHelp } from '../../src/cli/help';
import { createMessageBatchClient } from '../../src/core/api/message-batch-client';
import { startSimulator } from '../../src/sim';
import { FakeClock } from '../support/fake-clock';
import { cli } from './support';

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
      () => parseCliArgs(['generate', 'x.forge.yaml', '--message-batch-rpm', '5']),
      /--message-batch-rpm: configures the simulator, so it needs --simulate/,
    );
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

  it('convforge simulate serves Message Batches with them, says so, and counts them when stopped', async () => {
    const port = await freePort();
    let stop: (() => void) | undefined;
    const running = cli(['simulate', '--port', String(port), '--latency-ms', '0', '--message-batch-seconds', '0.2'], process.cwd(), {
      interrupt: (fire) => (stop = fire),
    });
    const api = createMessageBatchClient({ apiKey: 'sk-ant-simulated', baseURL: `http://127.0.0.1:${port}` });
    const request = (customId: string) => ({
      customId,
      params: { model: 'claude-haiku-5-5', messages: [{ role: 'user' as const, content: 'Hi' }], maxTokens: 50 },
    });
    // the port opens once the simulator listens: retry the create until then (nothing is made before)
    const batch = await until(() => api.create([request('cli-1'), request('cli-2')]), 'the simulator to listen');
    const ended = await until(async () => {
      const b = await api.retrieve(batch.id);
      if (b.status !== 'ended') throw new Error(b.status);
      return b;
    }, 'the batch to end');
    assert.equal(ended.counts!.succeeded, 2);
    assert.ok(stop, 'the CLI registered its interrupt listener');
    stop();
    const { code, stdout } = await running;
    assert.equal(code, 0);
    assert.match(stdout, /Message Batches: done 0.2 s after create, expire after 86400 s, 1000 RPM, at most 200000 queued requests/);
    assert.match(stdout, /Simulator stopped after \d+ requests \(1 Message Batches holding 2 requests\)\./);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Retries `attempt` until it resolves, with a generous deadline (a busy machine may be slow to start). */
async function until<T>(attempt: () => Promise<T>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(err)}`, { cause: err });
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
