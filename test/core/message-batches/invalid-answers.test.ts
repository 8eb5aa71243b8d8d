import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { specIdAt } from '../../../src/core/generate/prompt-file';
import { goodAnswer, type Responder } from '../../support/fake-message-batch-api';
import { newWorld, promptFile, Session } from './harness';

/** A `single` answer that is not the JSON conversation asked for. */
const garbled: Responder = (r) => {
  const good = goodAnswer(r, 1);
  return good.type === 'succeeded' ? { ...good, response: { ...good.response, text: 'Sorry, here is some prose instead.' } } : good;
};

describe('Message Batches answers that fail validation', () => {
  it('are asked for again in the next round as a fresh request, and written once when an attempt passes', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 4);
    const flaky = specIdAt(file, 2);
    api.respond = (r, attempt) => (r.customId === flaky && attempt < 3 ? garbled(r, attempt) : goodAnswer(r, attempt));
    const s = await (await new Session(file, api, clock).open()).start();
    assert.equal((await s.finish()).phase, 'finished');
    await s.close();
    assert.equal(api.batches.size, 3, 'two more rounds for the one request');
    assert.deepEqual(
      [...api.batches.values()].slice(1).map((b) => b.requests.map((r) => r.customId)),
      [[flaky], [flaky]],
    );
    assert.equal(api.submitted.get(flaky), 3);
    const ids = s.datasetIds();
    assert.equal(ids.length, 4);
    assert.equal(ids.filter((id) => id === flaky).length, 1, 'exactly once in the dataset');
    assert.deepEqual(s.failures, []);
  });

  it('go to the failures file with the reason once the attempt cap is reached', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 3);
    const bad = specIdAt(file, 0);
    api.respond = (r, attempt) => (r.customId === bad ? garbled(r, attempt) : goodAnswer(r, attempt));
    // The harness's cap is 3 attempts.
    const s = await (await new Session(file, api, clock).open()).start();
    assert.equal((await s.finish()).phase, 'finished');
    await s.close();
    assert.equal(api.submitted.get(bad), 3);
    assert.equal(s.datasetIds().length, 2);
    assert.equal(s.failures.length, 1);
    assert.equal(s.failures[0]!.id, bad);
    assert.equal(s.failures[0]!.kind, 'invalid_output');
    const failed = fs
      .readFileSync(file.output.path.replace(/\.jsonl$/, '.failed.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; attempts: number; reason: string; rejected?: unknown });
    assert.deepEqual(
      failed.map((f) => [f.id, f.attempts]),
      [[bad, 3]],
    );
    assert.match(failed[0]!.reason, /JSON|conversation|messages/i, failed[0]!.reason);
    assert.deepEqual(failed[0]!.rejected, {
      messages: [{ role: 'assistant', content: 'Sorry, here is some prose instead.' }],
      raw: true,
      rule: 'unreadable',
    });
  });

  it('a resumed process counts the rejected attempts the journal kept', async () => {
    const { clock, api, dir } = newWorld();
    const file = promptFile(dir, 1);
    const only = specIdAt(file, 0);
    api.respond = garbled;
    const first = await (await new Session(file, api, clock).open()).start();
    await first.until(() => api.batches.size === 2);
    first.runner.leaveRun();
    await first.finish();
    await first.close();
    const second = await (await new Session(file, api, clock).open()).start();
    assert.equal((await second.finish()).phase, 'finished');
    await second.close();
    assert.equal(api.submitted.get(only), 3, 'the cap spans processes');
    assert.equal(second.failures.length, 1);
  });
});
