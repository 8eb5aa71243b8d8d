import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { systemClock } from '../../../src/core/clock';
import { resolveModel } from '../../../src/core/models';
import { FakeMessageBatchApi } from '../../support/fake-message-batch-api';
import { batchFile, jsonLines, openBatchRun, promptFileIn } from './run-support';

const MAX_TOKENS = 2000;
const haiku = resolveModel('claude-haiku-5-5')!;
/** A request's worst case at batch prices is its max_tokens of output plus a little input. */
const outputUsd = (MAX_TOKENS * haiku.prices.output * (1 - haiku.batchDiscount)) / 1e6;
/** More than any of these short prompts' input can cost (under 300 tokens). */
const inputMarginUsd = (300 * haiku.prices.input * (1 - haiku.batchDiscount)) / 1e6;

describe('Message Batches under the run budget', function () {
  this.timeout(30_000);

  it('a submission that would pass --budget is not made: what fits is submitted and written, the run stops with the budget message', async () => {
    const { dir, file } = await batchFile(4, `max_tokens: ${MAX_TOKENS}\n`);
    const api = new FakeMessageBatchApi(systemClock);
    api.processMs = 20;
    // Two requests' worst case fits; a third would not.
    const budgetUsd = 2 * (outputUsd + inputMarginUsd) + outputUsd / 2;
    const run = await openBatchRun([file], api, { budgetUsd });
    const summary = await run.start();
    await run.close();
    assert.equal(summary.state, 'stopped');
    assert.equal(summary.stopReason?.kind, 'budget');
    assert.match(
      summary.stopReason!.message,
      /the next Message Batch request \(at most \$[\d.]+ at batch prices\) would exceed the budget/,
    );
    assert.equal(api.submitted.size, 2, 'only what fits the budget was submitted');
    assert.equal(api.batches.size, 1);
    // Nothing already submitted is lost: the run waited for it and wrote it.
    assert.equal(jsonLines(path.join(dir, 'out/kb.jsonl')).length, 2);
    assert.equal(summary.generated, 2);
    assert.ok(summary.costUsd <= budgetUsd, `${summary.costUsd} <= ${budgetUsd}`);
  });

  it('reservations settle to the actual cost as results arrive: a later round fits where the worst case of both would not', async () => {
    const turns = await batchFileTurns(2);
    const api = new FakeMessageBatchApi(systemClock);
    api.processMs = 20;
    // Round 1 reserves 2 worst cases; its answers cost far less, so round 2's two fit. Both worst cases together would not.
    const budgetUsd = 3.5 * outputUsd;
    const run = await openBatchRun([turns.file], api, { budgetUsd });
    const summary = await run.start();
    await run.close();
    assert.equal(summary.state, 'finished', summary.stopReason?.message);
    assert.equal(summary.generated, 2);
    assert.equal(api.batches.size, 2, 'two rounds');
    assert.equal(jsonLines(path.join(turns.dir, 'out/kb.jsonl')).length, 2);
  });

  it("requests already out when a run picks up an earlier run's batch are reserved against its budget", async () => {
    const first = await batchFile(2, `max_tokens: ${MAX_TOKENS}\n`);
    const api = new FakeMessageBatchApi(systemClock);
    api.processMs = 60_000;
    const left = await openBatchRun([first.file], api);
    const ended = left.start();
    while (api.batches.size === 0) await new Promise((r) => setTimeout(r, 5));
    left.cancel({ messageBatches: 'leave' });
    await ended;
    await left.close();
    assert.equal(api.submitted.size, 2);

    // Same conversations, two more of them; the earlier batch is still processing when the new run submits.
    const second = await batchFile(4, `max_tokens: ${MAX_TOKENS}\n`, 'single', first.dir);
    for (const b of api.batches.values()) b.endsAt = Date.now() + 3_000;
    api.processMs = 200;
    const budgetUsd = 3.5 * outputUsd;
    const run = await openBatchRun([second.file], api, { budgetUsd });
    const summary = await run.start();
    await run.close();
    // Held: 2 worst cases; room for one more, not two.
    assert.equal(api.submitted.size, 3, JSON.stringify([...api.submitted]));
    assert.equal(summary.stopReason?.kind, 'budget');
    assert.equal(jsonLines(path.join(first.dir, 'out/kb.jsonl')).length, 3, 'the picked-up batch and the one that fit were written');
  });

  it('an online request that would pass the budget stops the run, which still waits for the Message Batch already out and writes it', async () => {
    const { dir, file } = await batchFile(1, `max_tokens: ${MAX_TOKENS}\n`);
    const online = await promptFileIn(dir, { name: 'live', mode: 'online', count: 2, extra: `max_tokens: ${MAX_TOKENS}\n` });
    const api = new FakeMessageBatchApi(systemClock);
    api.processMs = 300;
    // The batch request's worst case fits; an online one (full price: twice as much) on top of it does not.
    const run = await openBatchRun([file], api, { budgetUsd: 2.5 * outputUsd });
    const done = run.start();
    while (api.batches.size === 0) await new Promise((r) => setTimeout(r, 5));
    await run.addFiles([online.file]);
    const summary = await done;
    await run.close();
    assert.equal(summary.stopReason?.kind, 'budget');
    assert.match(summary.stopReason!.message, /the next job \(.+\) would exceed the budget/);
    assert.equal(jsonLines(path.join(dir, 'out/kb.jsonl')).length, 1, 'the batch was drained, not left');
    assert.equal(jsonLines(path.join(dir, 'out/live.jsonl')).length, 0);
    const sidecar = jsonLines<{ t: string }>(path.join(dir, 'out/kb.message-batches.jsonl'));
    assert.ok(
      sidecar.some((l) => l.t === 'settled'),
      'nothing left open at Anthropic',
    );
  });

  it('the "stop past the estimate" ceiling of a run without a budget sees Message Batch spend', async () => {
    const turns = await batchFileTurns(2);
    const api = new FakeMessageBatchApi(systemClock);
    api.processMs = 20;
    const run = await openBatchRun([turns.file], api);
    // An estimate far below what round 1 really costs: round 2 must not be submitted.
    run.addEstimate({ costUsd: 1e-7, conversations: 2, wallSeconds: 1 });
    run.stopPastEstimate(0.5);
    const summary = await run.start();
    await run.close();
    assert.equal(summary.state, 'stopped');
    assert.equal(summary.stopReason?.kind, 'budget');
    assert.match(summary.stopReason!.message, /ran past the estimate/);
    assert.equal(api.batches.size, 1, 'round 2 was not submitted');
    assert.equal(jsonLines(path.join(turns.dir, 'out/kb.jsonl')).length, 0);
  });
});

async function batchFileTurns(count: number) {
  return batchFile(count, `max_tokens: ${MAX_TOKENS}\n`, 'turns');
}
