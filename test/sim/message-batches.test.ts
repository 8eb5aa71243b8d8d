import assert from 'node:assert/strict';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import type { MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/sim/index';
import { FakeClock } from '../support/fake-clock';
import { thrown } from './sim-support';

// The Message Batches endpoints with the raw SDK: the shapes, limits and faults the batch runner
// meets, on a fake clock (batches end when a test moves time).

const PARAMS = { model: 'claude-haiku-5-5', max_tokens: 200, messages: [{ role: 'user' as const, content: 'Say hello.' }] };
const req = (custom_id: string, params: Record<string, unknown> = PARAMS) => ({ custom_id, params }) as never;

describe('sim: Message Batches', () => {
  let clock: FakeClock;
  let sim: SimulatorHandle;
  let client: Anthropic;

  async function start(options: SimulatorOptions = {}): Promise<void> {
    clock = new FakeClock();
    sim = await startSimulator({
      seed: 11,
      clock,
      latency: { baseMs: 0, perOutputTokenMs: 0, jitterMs: 0 },
      ...options,
      messageBatches: { processingSeconds: 10, cancelingSeconds: 0, ...options.messageBatches },
    });
    client = new Anthropic({ apiKey: 'sk-ant-sim-batches', baseURL: sim.url, maxRetries: 0 });
  }
  afterEach(async () => {
    await sim.close();
  });

  async function lines(id: string): Promise<MessageBatchIndividualResponse[]> {
    const out: MessageBatchIndividualResponse[] = [];
    for await (const line of await client.messages.batches.results(id)) out.push(line);
    return out;
  }

  async function apiError(fn: () => Promise<unknown>): Promise<APIError> {
    const err = await thrown(fn);
    assert.ok(err instanceof APIError, String(err));
    return err;
  }

  it('answers create and retrieve in the API shape, results_url on itself only once ended', async () => {
    await start();
    const created = await client.messages.batches.create({ requests: [req('a-1'), req('a-2')] });
    assert.equal(created.type, 'message_batch');
    assert.equal(created.processing_status, 'in_progress');
    assert.deepEqual(created.request_counts, { processing: 2, succeeded: 0, errored: 0, canceled: 0, expired: 0 });
    assert.equal(created.results_url, null);
    assert.equal(created.ended_at, null);
    assert.equal(created.cancel_initiated_at, null);
    assert.equal(created.archived_at, null);
    assert.equal(Date.parse(created.expires_at) - Date.parse(created.created_at), 24 * 3600_000);

    await clock.advance(10_000);
    const ended = await client.messages.batches.retrieve(created.id);
    assert.equal(ended.processing_status, 'ended');
    assert.equal(ended.results_url, `${sim.url}/v1/messages/batches/${created.id}/results`);
    assert.equal(ended.ended_at, new Date(clock.now()).toISOString());
    const got = await lines(created.id);
    assert.deepEqual(got.map((l) => l.custom_id).sort(), ['a-1', 'a-2']);
    for (const l of got) {
      assert.equal(l.result.type, 'succeeded');
      if (l.result.type === 'succeeded') assert.equal(l.result.message.type, 'message');
    }
  });

  it('validates the create body as the API does', async () => {
    await start({ messageBatches: { maxRequests: 3, maxBytes: 4_000 } });
    const cases: [unknown[], RegExp][] = [
      [[], /requests: List should have at least 1 item/],
      [[req('a'), req('b'), req('c'), req('d')], /requests: List should have at most 3 items after validation, not 4/],
      [[req('bad id')], /requests\.0\.custom_id: String should match pattern/],
      [[req('x'.repeat(65))], /requests\.0\.custom_id: String should match pattern/],
      [[req('ok'), req('ok')], /custom_id "ok" is used by requests\.0 and requests\.1/],
      [[{ custom_id: 'p' }], /requests\.0\.params: Field required/],
      [[req('s', { ...PARAMS, stream: true })], /requests\.0\.params\.stream: streaming is not supported/],
    ];
    for (const [requests, message] of cases) {
      const err = await apiError(() => client.messages.batches.create({ requests: requests as never }));
      assert.equal(err.status, 400);
      assert.match(String((err.error as { error?: { message?: unknown } }).error?.message), message);
    }
    const big = await apiError(() => client.messages.batches.create({ requests: [req('big', { ...PARAMS, system: 'x'.repeat(5_000) })] }));
    assert.equal(big.status, 413);
    assert.equal(sim.stats().messageBatches.created, 0);
    await sim.close();
    await start({ acceptKey: (k) => k === 'sk-ant-good' });
    const unauthorized = new Anthropic({ apiKey: 'sk-ant-nope', baseURL: sim.url, maxRetries: 0 });
    assert.equal((await apiError(() => unauthorized.messages.batches.list())).status, 401);
  });

  it('runs the bodies when the batch runs: an invalid one is an errored invalid_request_error line', async () => {
    await start();
    const batch = await client.messages.batches.create({
      requests: [
        req('good'),
        req('no-max', { model: 'claude-haiku-5-5', messages: PARAMS.messages }),
        req('temp', { ...PARAMS, temperature: 1 }),
      ],
    });
    await clock.advance(10_000);
    const byId = new Map((await lines(batch.id)).map((l) => [l.custom_id, l.result]));
    assert.equal(byId.get('good')?.type, 'succeeded');
    for (const id of ['no-max', 'temp']) {
      const r = byId.get(id);
      assert.ok(r?.type === 'errored');
      if (r?.type === 'errored') assert.equal(r.error.error.type, 'invalid_request_error');
    }
  });

  it('lists newest first with limit, after_id, before_id, has_more, first_id and last_id', async () => {
    await start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await client.messages.batches.create({ requests: [req(`l${i}`)] })).id);
      await clock.advance(5);
    }
    const newestFirst = [...ids].reverse();
    const page = await client.messages.batches.list({ limit: 2 });
    assert.deepEqual(
      page.data.map((b) => b.id),
      newestFirst.slice(0, 2),
    );
    assert.equal(page.has_more, true);
    assert.equal(page.first_id, newestFirst[0]);
    assert.equal(page.last_id, newestFirst[1]);
    const before = await client.messages.batches.list({ limit: 2, before_id: newestFirst[3]! });
    assert.deepEqual(
      before.data.map((b) => b.id),
      newestFirst.slice(1, 3),
    );
    assert.equal(before.has_more, true);
    const all: string[] = [];
    for await (const b of client.messages.batches.list({ limit: 2 })) all.push(b.id);
    assert.deepEqual(all, newestFirst, 'the SDK pages through everything');
    assert.equal((await apiError(() => client.messages.batches.list({ limit: 0 }))).status, 400);
  });

  it('expires what was not done by expires_at, keeps what was', async () => {
    await start({ messageBatches: { processingSeconds: 10, expirySeconds: 5 } });
    const batch = await client.messages.batches.create({ requests: Array.from({ length: 10 }, (_, i) => req(`x${i}`)) });
    await clock.advance(4_999);
    assert.equal((await client.messages.batches.retrieve(batch.id)).processing_status, 'in_progress');
    await clock.advance(1);
    const ended = await client.messages.batches.retrieve(batch.id);
    assert.equal(ended.processing_status, 'ended');
    assert.deepEqual(ended.request_counts, { processing: 0, succeeded: 5, errored: 0, canceled: 0, expired: 5 });
    const results = await lines(batch.id);
    assert.equal(results.filter((l) => l.result.type === 'expired').length, 5);
    assert.equal(sim.stats().messageBatches.results.expired, 5);
  });

  it('cancels through canceling to ended, done requests kept, and a second cancel changes nothing', async () => {
    await start({ messageBatches: { cancelingSeconds: 2 } });
    const batch = await client.messages.batches.create({ requests: Array.from({ length: 4 }, (_, i) => req(`c${i}`)) });
    await clock.advance(5_000);
    const canceling = await client.messages.batches.cancel(batch.id);
    assert.equal(canceling.processing_status, 'canceling');
    assert.equal(canceling.cancel_initiated_at, new Date(clock.now()).toISOString());
    await clock.advance(2_000);
    const ended = await client.messages.batches.cancel(batch.id);
    assert.equal(ended.processing_status, 'ended');
    assert.deepEqual(ended.request_counts, { processing: 0, succeeded: 2, errored: 0, canceled: 2, expired: 0 });
    assert.equal(ended.cancel_initiated_at, canceling.cancel_initiated_at);
  });

  it('deletes only ended batches; a deleted one is gone', async () => {
    await start();
    const batch = await client.messages.batches.create({ requests: [req('d1')] });
    assert.equal((await apiError(() => client.messages.batches.delete(batch.id))).status, 400);
    await clock.advance(10_000);
    assert.deepEqual(await client.messages.batches.delete(batch.id), { id: batch.id, type: 'message_batch_deleted' });
    assert.equal((await apiError(() => client.messages.batches.retrieve(batch.id))).status, 404);
  });

  it('answers 404 during the early window, for the batch and in the list', async () => {
    await start({ messageBatches: { notFoundSeconds: 2 } });
    const batch = await client.messages.batches.create({ requests: [req('e1')] });
    const early = await apiError(() => client.messages.batches.retrieve(batch.id));
    assert.equal(early.status, 404);
    assert.equal(early.type, 'not_found_error');
    assert.equal((await client.messages.batches.list()).data.length, 0);
    await clock.advance(2_000);
    assert.equal((await client.messages.batches.retrieve(batch.id)).id, batch.id);
  });

  it('limits batch calls by their own RPM (polls, lists and downloads count), not by the Messages limits', async () => {
    // 120 RPM with a 2 s window: a burst of 4 calls, then one every half second
    await start({ limits: { default: { requestsPerMinute: 1 } }, messageBatches: { requestsPerMinute: 120, burstSeconds: 2 } });
    await client.messages.create(PARAMS); // the whole Messages RPM
    const batch = await client.messages.batches.create({ requests: [req('r1')] });
    await client.messages.batches.list();
    await client.messages.batches.retrieve(batch.id);
    await client.messages.batches.retrieve(batch.id);
    const limited = await apiError(() => client.messages.batches.retrieve(batch.id));
    assert.equal(limited.status, 429);
    assert.equal(limited.headers?.get('retry-after'), '1');
    assert.match(limited.message, /120 Message Batches API requests per minute/);
    assert.equal((await apiError(() => client.messages.create(PARAMS))).status, 429, 'the Messages limit is still its own');
    await fetch(`${sim.url}/_sim/refill`, { method: 'POST' });
    assert.equal((await client.messages.batches.retrieve(batch.id)).id, batch.id, '/_sim/refill fills the batch bucket too');
    const stats = sim.stats().messageBatches;
    assert.equal(stats.rateLimited, 1);
    assert.equal(stats.retrieves, 4);
    assert.equal(stats.lists, 1);
  });

  it('caps the requests queued in unfinished batches with a 429 until one ends', async () => {
    await start({ messageBatches: { maxQueuedRequests: 3 } });
    await client.messages.batches.create({ requests: [req('q1'), req('q2')] });
    const full = await apiError(() => client.messages.batches.create({ requests: [req('q3'), req('q4')] }));
    assert.equal(full.status, 429);
    assert.equal(full.headers?.get('retry-after'), '10');
    assert.match(full.message, /3 queued Message Batch requests/);
    await clock.advance(10_000);
    await client.messages.batches.create({ requests: [req('q3'), req('q4')] });
    assert.equal(sim.stats().messageBatches.queueFull, 1);
    assert.equal(sim.stats().messageBatches.created, 2);
  });

  it('errs listed custom_ids on their first submissions only, and a seeded fraction of the rest', async () => {
    await start({
      messageBatches: { outcomes: { errored: { customIds: ['flaky'], attempts: 1, errorType: 'api_error' } } },
    });
    const first = await client.messages.batches.create({ requests: [req('flaky'), req('fine')] });
    await clock.advance(10_000);
    const r1 = new Map((await lines(first.id)).map((l) => [l.custom_id, l.result]));
    assert.ok(r1.get('flaky')?.type === 'errored');
    if (r1.get('flaky')?.type === 'errored')
      assert.equal((r1.get('flaky') as { error: { error: { type: string } } }).error.error.type, 'api_error');
    assert.equal(r1.get('fine')?.type, 'succeeded');
    const second = await client.messages.batches.create({ requests: [req('flaky')] });
    await clock.advance(10_000);
    assert.equal((await lines(second.id))[0]?.result.type, 'succeeded', 'the resubmission succeeds');

    sim.configure({ messageBatches: { outcomes: { errored: { fraction: 0.5, errorType: 'invalid_request_error' } } } });
    const many = await client.messages.batches.create({ requests: Array.from({ length: 200 }, (_, i) => req(`f${i}`)) });
    await clock.advance(10_000);
    const errored = (await lines(many.id)).filter((l) => l.result.type === 'errored').length;
    assert.ok(errored > 60 && errored < 140, `about half errored, got ${errored}`);
    const stats = sim.stats().messageBatches;
    assert.equal(stats.submittedByCustomId['flaky'], 2);
    assert.equal(stats.submittedByCustomId['fine'], 1);
    assert.equal(stats.requestsSubmitted, 203);
  });

  it('shuffles result lines and keeps that order on every read', async () => {
    await start();
    const ids = Array.from({ length: 30 }, (_, i) => `o${String(i).padStart(2, '0')}`);
    const batch = await client.messages.batches.create({ requests: ids.map((id) => req(id)) });
    await clock.advance(10_000);
    const first = (await lines(batch.id)).map((l) => l.custom_id);
    assert.notDeepEqual(first, ids, 'not in request order');
    assert.deepEqual(
      (await lines(batch.id)).map((l) => l.custom_id),
      first,
    );
  });

  it('refuses results before the end, and counts every call in /_sim/stats until a reset', async () => {
    await start();
    const batch = await client.messages.batches.create({ requests: [req('s1')] });
    const early = await fetch(`${sim.url}/v1/messages/batches/${batch.id}/results`, {
      headers: { 'x-api-key': 'k', 'anthropic-version': '2026-10-21' },
    });
    assert.equal(early.status, 404);
    await clock.advance(10_000);
    await lines(batch.id);
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as ReturnType<SimulatorHandle['stats']>;
    assert.equal(stats.messageBatches.created, 1);
    assert.equal(stats.messageBatches.downloads, 2);
    assert.equal(stats.messageBatches.retrieves, 1, 'the SDK retrieves before it downloads');
    assert.equal(stats.messageBatches.results.succeeded, 1);
    assert.ok(stats.messageBatches.inputTokens > 0);
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    assert.equal(sim.stats().messageBatches.created, 0);
  });

  it('validates its options with the simulator message shape', async () => {
    await start();
    assert.throws(
      () => sim.configure({ messageBatches: { processingSecs: 1 } as never }),
      /`messageBatches.processingSecs` to be one of the keys/,
    );
    assert.throws(
      () => sim.configure({ messageBatches: { requestsPerMinute: 0 } }),
      /`messageBatches.requestsPerMinute` to be a number from 1/,
    );
    assert.throws(
      () => sim.configure({ messageBatches: { outcomes: { errored: { errorType: 'oops' as never } } } }),
      /`messageBatches.outcomes.errored.errorType` to be one of invalid_request_error/,
    );
    assert.throws(
      () => sim.configure({ messageBatches: { outcomes: { expired: { fraction: 2 } } } }),
      /`messageBatches.outcomes.expired.fraction`/,
    );
    const res = await fetch(`${sim.url}/_sim/config`, {
      method: 'POST',
      body: JSON.stringify({ messageBatches: { brokenDownloads: -1 } }),
    });
    assert.equal(res.status, 400);
  });
});
