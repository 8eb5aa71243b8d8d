import assert from 'node:assert/strict';
import type { MessageBatchApi, MessageBatchRequest, MessageBatchResult } from '../../../src/core/api/message-batch-api';
import { createMessageBatchClient, messageBatchBodyBytes, messageBatchRequestBytes } from '../../../src/core/api/message-batch-client';
import { messageBody } from '../../../src/core/api/message-body';
import { classify, ForgeError } from '../../../src/core/errors';
import { startSimulator, type SimulatorHandle } from '../../../src/sim';
import { FakeClock } from '../../support/fake-clock';

// The Message Batches client through the real SDK against the simulator, on a fake clock: batches
// end when the test moves time, never after a sleep.

const LONG_SYSTEM = 'You write short, natural dialogues between two people. '.repeat(120);

function request(customId: string, text = `Write a short note number ${customId}.`): MessageBatchRequest {
  return {
    customId,
    params: { model: 'claude-haiku-5-5', system: 'Be brief.', messages: [{ role: 'user', content: text }], maxTokens: 300 },
  };
}

async function collect(api: MessageBatchApi, id: string): Promise<MessageBatchResult[]> {
  const out: MessageBatchResult[] = [];
  for await (const r of api.results(id)) out.push(r);
  return out;
}

async function rejected(p: Promise<unknown>): Promise<ForgeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ForgeError, `expected a ForgeError, got ${String(err)}`);
    return err;
  }
  throw new Error('expected a rejection');
}

describe('Message Batches client against the simulator', () => {
  let clock: FakeClock;
  let sim: SimulatorHandle;
  let api: MessageBatchApi;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await startSimulator({
      seed: 3,
      clock,
      latency: { baseMs: 0, perOutputTokenMs: 0, jitterMs: 0 },
      messageBatches: { processingSeconds: 60, cancelingSeconds: 0 },
    });
    api = createMessageBatchClient({ apiKey: 'sk-ant-batch-test', baseURL: sim.url });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('creates a batch, shows no counts until it ends, then maps every succeeded line', async () => {
    const batch = await api.create([request('conv-1'), request('conv-2'), request('conv-3')]);
    assert.match(batch.id, /^msgbatch_/);
    assert.equal(batch.status, 'in_progress');
    assert.equal(batch.counts, undefined);
    assert.equal(batch.createdAt, clock.now());
    assert.equal(batch.expiresAt, clock.now() + 24 * 3600_000);

    await clock.advance(30_000);
    const halfway = await api.retrieve(batch.id);
    assert.equal(halfway.status, 'in_progress');
    assert.equal(halfway.counts, undefined, 'no partial counts while it runs');

    await clock.advance(30_000);
    const ended = await api.retrieve(batch.id);
    assert.equal(ended.status, 'ended');
    assert.deepEqual(ended.counts, { processing: 0, succeeded: 3, errored: 0, canceled: 0, expired: 0 });
    assert.equal(ended.endedAt, batch.createdAt + 60_000);

    const results = await collect(api, batch.id);
    assert.deepEqual(results.map((r) => r.customId).sort(), ['conv-1', 'conv-2', 'conv-3']);
    for (const r of results) {
      assert.equal(r.type, 'succeeded');
      if (r.type !== 'succeeded') continue;
      assert.ok(r.response.text.length > 0);
      assert.equal(r.response.model, 'claude-haiku-5-5');
      assert.equal(r.response.stopReason, 'end_turn');
      assert.ok(r.response.usage.inputTokens > 0 && r.response.usage.outputTokens > 0);
    }
    const stats = sim.stats();
    assert.equal(stats.messageBatches.results.succeeded, 3);
    assert.equal(stats.messages, 0, 'batch answers are not counted as Messages API answers');
    assert.equal(stats.outputTokens, 0);
    assert.ok(stats.messageBatches.outputTokens > 0);
    const haiku = stats.messageBatches.byModelClass.haiku!;
    assert.equal(haiku.succeeded, 3);
    const usage = results.reduce(
      (sum, r) =>
        r.type === 'succeeded'
          ? { input: sum.input + r.response.usage.inputTokens, output: sum.output + r.response.usage.outputTokens }
          : sum,
      { input: 0, output: 0 },
    );
    assert.deepEqual({ input: haiku.inputTokens, output: haiku.outputTokens }, usage, 'the stats count what the lines report');
  });

  it('sends the same body online and in a batch, so cache breakpoints read what the other wrote', async () => {
    const cached: MessageBatchRequest = {
      customId: 'cached-1',
      params: {
        model: 'claude-haiku-5-5',
        system: LONG_SYSTEM,
        messages: [{ role: 'user', content: 'Write one line.' }],
        maxTokens: 200,
        cache: { ttl: '1h', systemBreaks: [LONG_SYSTEM.length] },
      },
    };
    const line = JSON.parse(JSON.stringify({ custom_id: 'cached-1', params: messageBody(cached.params) }));
    assert.equal(messageBatchRequestBytes(cached), Buffer.byteLength(JSON.stringify(line)) + 1);

    const first = await api.create([cached]);
    await clock.advance(60_000);
    const [written] = await collect(api, first.id);
    assert.equal(written?.type, 'succeeded');
    if (written?.type !== 'succeeded') return;
    assert.ok(written.response.usage.cacheCreationInputTokens > 0, 'the breakpoint wrote the system prompt');
    assert.equal(written.response.usage.cacheCreation1hInputTokens, written.response.usage.cacheCreationInputTokens);

    const second = await api.create([{ ...cached, customId: 'cached-2' }]);
    await clock.advance(60_000);
    const [read] = await collect(api, second.id);
    assert.ok(read?.type === 'succeeded' && read.response.usage.cacheReadInputTokens > 0, 'the second batch read the cached prefix');
    assert.equal(sim.stats().messageBatches.cache.reads, 1);
  });

  it('maps errored, canceled and expired lines, the error type from result.error.error.type', async () => {
    sim.configure({
      messageBatches: {
        outcomes: {
          errored: { customIds: ['e-over'], errorType: 'overloaded_error' },
          expired: { customIds: ['x-1'] },
          canceled: { customIds: ['c-1'] },
        },
      },
    });
    const bad: MessageBatchRequest = { customId: 'e-invalid', params: { ...request('e-invalid').params, model: 'claude-unknown-9' } };
    const batch = await api.create([request('ok-1'), request('e-over'), request('x-1'), request('c-1'), bad]);
    await clock.advance(60_000);
    const byId = new Map((await collect(api, batch.id)).map((r) => [r.customId, r]));
    assert.equal(byId.get('ok-1')?.type, 'succeeded');
    assert.deepEqual(byId.get('e-over'), { customId: 'e-over', type: 'errored', errorType: 'overloaded_error', message: 'Overloaded' });
    const invalid = byId.get('e-invalid');
    assert.ok(invalid?.type === 'errored' && invalid.errorType === 'invalid_request_error' && /claude-unknown-9/.test(invalid.message));
    assert.deepEqual(byId.get('x-1'), { customId: 'x-1', type: 'expired' });
    assert.deepEqual(byId.get('c-1'), { customId: 'c-1', type: 'canceled' });
    const ended = await api.retrieve(batch.id);
    assert.deepEqual(ended.counts, { processing: 0, succeeded: 1, errored: 2, canceled: 1, expired: 1 });
  });

  it('refuses a bad or repeated custom_id, and no requests, before sending anything', async () => {
    const bad = await rejected(api.create([request('ok'), request('has space')]));
    assert.equal(classify(bad).kind, 'invalid_request');
    assert.match(bad.message, /request 1: custom_id "has space" must match/);
    const long = await rejected(api.create([request('a'.repeat(65))]));
    assert.match(long.message, /1 to 64/);
    const dup = await rejected(api.create([request('same'), request('other'), request('same')]));
    assert.match(dup.message, /requests 0 and 2 share the custom_id "same"/);
    const none = await rejected(api.create([]));
    assert.match(none.message, /at least one request/);
    assert.equal(sim.stats().requests, 0, 'nothing reached the API');
  });

  it('sizes bodies exactly as the create sends them', () => {
    const requests = [request('s-1'), request('s-2', 'ünïcödé text counts in bytes')];
    const body = JSON.stringify({ requests: requests.map((r) => ({ custom_id: r.customId, params: messageBody(r.params) })) });
    assert.equal(messageBatchBodyBytes(requests), Buffer.byteLength(body));
    assert.equal(messageBatchBodyBytes([]), Buffer.byteLength('{"requests":[]}'));
  });

  it('reports the early 404 after create as not_found, then finds the batch', async () => {
    sim.configure({ messageBatches: { notFoundSeconds: 3 } });
    const batch = await api.create([request('early-1')]);
    const early = await rejected(api.retrieve(batch.id));
    assert.equal(classify(early).kind, 'not_found');
    assert.match(early.message, /404/);
    await clock.advance(3_000);
    assert.equal((await api.retrieve(batch.id)).id, batch.id);
    assert.equal(sim.stats().messageBatches.earlyNotFound, 1);
  });

  it('reports the batch RPM limit as rate_limited with its retry-after, apart from the Messages limits', async () => {
    sim.configure({ messageBatches: { requestsPerMinute: 60, burstSeconds: 2 } });
    const batch = await api.create([request('rpm-1')]);
    await api.retrieve(batch.id);
    const limited = await rejected(api.retrieve(batch.id));
    const c = classify(limited);
    assert.equal(c.kind, 'rate_limited');
    assert.equal(c.retryAfterMs, 1000);
    assert.equal(sim.stats().messageBatches.rateLimited, 1);
    await clock.advance(1_000);
    assert.equal((await api.retrieve(batch.id)).id, batch.id);
  });

  it('cancels: requests done before the cancel stay succeeded, the rest come back canceled', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `cx-${i}`);
    const batch = await api.create(ids.map((id) => request(id)));
    await clock.advance(30_000);
    const canceling = await api.cancel(batch.id);
    assert.equal(canceling.status, 'ended', 'cancelingSeconds 0 ends it at once');
    const results = await collect(api, batch.id);
    const succeeded = results.filter((r) => r.type === 'succeeded').length;
    const canceled = results.filter((r) => r.type === 'canceled').length;
    assert.equal(succeeded, 5, 'half the requests were done at half time');
    assert.equal(canceled, 5);
    assert.equal(results.length, 10);
  });

  it('lists newest first and pages with afterId', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await api.create([request(`l-${i}`)])).id);
      await clock.advance(1);
    }
    const first = await api.list({ limit: 2 });
    assert.deepEqual(
      first.batches.map((b) => b.id),
      [made[4], made[3]],
    );
    assert.equal(first.hasMore, true);
    const second = await api.list({ limit: 2, afterId: first.lastId! });
    assert.deepEqual(
      second.batches.map((b) => b.id),
      [made[2], made[1]],
    );
    const last = await api.list({ limit: 2, afterId: second.lastId! });
    assert.deepEqual(
      last.batches.map((b) => b.id),
      [made[0]],
    );
    assert.equal(last.hasMore, false);
  });

  it('a download broken half way throws after some lines; a fresh read gets them all', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `dl-${i}`);
    const batch = await api.create(ids.map((id) => request(id)));
    await clock.advance(60_000);
    sim.configure({ messageBatches: { brokenDownloads: 1 } });
    const partial: string[] = [];
    let failure: unknown;
    try {
      for await (const r of api.results(batch.id)) partial.push(r.customId);
    } catch (err) {
      failure = err;
    }
    assert.ok(failure instanceof ForgeError, 'the break surfaced as an error');
    assert.ok(classify(failure).retryable, `a broken download may be read again (${classify(failure).kind})`);
    assert.ok(partial.length > 0 && partial.length < 40, `got ${partial.length} lines before the break`);

    const full = await collect(api, batch.id);
    assert.deepEqual(full.map((r) => r.customId).sort(), [...ids].sort());
    const firstHalf = full.slice(0, partial.length).map((r) => r.customId);
    assert.deepEqual(partial, firstHalf, 'the same file, read again from the start');
    assert.equal(sim.stats().messageBatches.brokenDownloads, 1);
    assert.equal(sim.stats().messageBatches.downloads, 2);
  });

  it('asking for results before the end is a clear invalid_request, and cancel of an unknown id is not_found', async () => {
    const batch = await api.create([request('early-results')]);
    const early = await rejected(collect(api, batch.id));
    assert.equal(classify(early).kind, 'invalid_request');
    assert.match(early.message, /no results yet/);
    const unknown = await rejected(api.cancel('msgbatch_unknown'));
    assert.equal(classify(unknown).kind, 'not_found');
  });

  it('expiry: requests not done by expires_at come back expired, the done ones succeeded', async () => {
    sim.configure({ messageBatches: { expirySeconds: 30 } });
    const batch = await api.create(Array.from({ length: 10 }, (_, i) => request(`exp-${i}`)));
    assert.equal(batch.expiresAt - batch.createdAt, 30_000);
    await clock.advance(30_000);
    const ended = await api.retrieve(batch.id);
    assert.equal(ended.status, 'ended');
    assert.equal(ended.endedAt, batch.expiresAt);
    const results = await collect(api, batch.id);
    assert.equal(results.filter((r) => r.type === 'expired').length, 5);
    assert.equal(results.filter((r) => r.type === 'succeeded').length, 5);
  });

  it('counts what reached the simulator: each custom_id once per submission, polls, lists, downloads', async () => {
    const first = await api.create([request('k-1'), request('k-2')]);
    await clock.advance(60_000);
    await api.retrieve(first.id);
    await api.list();
    await collect(api, first.id);
    await api.create([request('k-2')]); // a resubmission
    const stats = sim.stats().messageBatches;
    assert.deepEqual(stats.submittedByCustomId, { 'k-1': 1, 'k-2': 2 });
    assert.equal(stats.created, 2);
    assert.equal(stats.requestsSubmitted, 3);
    assert.equal(stats.retrieves, 2, 'one poll, one by results()');
    assert.equal(stats.lists, 1);
    assert.equal(stats.downloads, 1);
  });

  it('a reader may stop early (the download is aborted), and the next read is whole', async () => {
    const ids = Array.from({ length: 600 }, (_, i) => `stop-${i}`);
    const batch = await api.create(ids.map((id) => request(id)));
    await clock.advance(60_000);
    for await (const r of api.results(batch.id)) {
      assert.ok(r.customId.startsWith('stop-'));
      break;
    }
    assert.equal((await collect(api, batch.id)).length, 600);
  });

  it('a lost create throws a retryable network error, yet the batch exists and a list finds it', async () => {
    sim.configure({ messageBatches: { lostCreates: 1 } });
    const lost = await rejected(api.create([request('lost-1'), request('lost-2')]));
    assert.equal(classify(lost).kind, 'network', 'the outcome is unknown: no answer came');
    const { batches } = await api.list();
    assert.equal(batches.length, 1, 'the batch was made all the same');
    assert.equal(sim.stats().messageBatches.created, 1);
    assert.equal(sim.stats().messageBatches.lostCreates, 1);
    assert.equal((await api.create([request('next')])).status, 'in_progress', 'the fault is spent');
  });

  it('an overloaded batch call is a 529 overloaded ForgeError and changes nothing', async () => {
    sim.configure({ messageBatches: { overloadedCalls: 1 } });
    const busy = await rejected(api.create([request('busy-1')]));
    assert.equal(classify(busy).kind, 'overloaded');
    assert.equal(sim.stats().messageBatches.created, 0);
    assert.equal(sim.stats().messageBatches.overloaded, 1);
  });

  it('a damaged results file is a retryable server error, never a silent skip', async () => {
    const damaging = createMessageBatchClient({
      apiKey: 'sk-ant-batch-test',
      baseURL: sim.url,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (!String(input instanceof Request ? input.url : input).endsWith('/results')) return res;
        const text = await res.text();
        return new Response(`${text.split('\n')[0]}\n{"custom_id": "cut`, { status: 200, headers: res.headers });
      },
    });
    const batch = await api.create([request('dmg-1'), request('dmg-2')]);
    await clock.advance(60_000);
    const seen: string[] = [];
    let failure: unknown;
    try {
      for await (const r of damaging.results(batch.id)) seen.push(r.customId);
    } catch (err) {
      failure = err;
    }
    assert.equal(seen.length, 1, 'the good line came through');
    assert.ok(failure instanceof ForgeError);
    assert.equal(classify(failure).kind, 'server');
    assert.match(failure.message, /malformed Message Batch result line/);
  });

  it('an abort is a cancelled ForgeError', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await rejected(api.retrieve('msgbatch_any', controller.signal));
    assert.equal(classify(err).kind, 'cancelled');
  });
});
