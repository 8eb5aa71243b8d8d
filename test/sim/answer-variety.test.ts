import assert from 'node:assert/strict';
import type Anthropic from '@anthropic-ai/sdk';
import { startFixture, type SimFixture } from './sim-support';

function textOf(message: Anthropic.Message): string {
  return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

const ask = (client: Anthropic, content: string) =>
  client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 800, messages: [{ role: 'user', content }] }).then(textOf);

/** Answers vary with the request and not with the order or the process: dry runs in separate processes do not repeat each other. */
describe('simulator: answers drawn from the seed and the request', () => {
  let a: SimFixture;
  let b: SimFixture;
  before(async () => {
    const roomy = { limits: { default: { requestsPerMinute: 6000 } }, burstSeconds: 60 };
    a = await startFixture(roomy);
    b = await startFixture(roomy);
  });
  after(async () => {
    await a.sim.close();
    await b.sim.close();
  });

  it('two simulators with the same seed answer different first requests differently', async () => {
    const first = await ask(a.client, 'Write a support conversation as JSON with exactly 4 messages about brakes.');
    const other = await ask(b.client, 'Write a support conversation as JSON with exactly 4 messages about gears.');
    assert.notEqual(first, other);
  });

  it('the same request gets the same answer in another simulator, whatever came before it', async () => {
    const request = 'Write a support conversation as JSON with exactly 4 messages about tyres.';
    await ask(a.client, 'Something else first.');
    const here = await ask(a.client, request);
    const there = await ask(b.client, request);
    assert.equal(here, there);
    assert.equal(await ask(a.client, request), here);
  });

  it('many different requests in one simulator give as many different answers', async () => {
    const answers = new Set<string>();
    for (let i = 0; i < 30; i++)
      answers.add(await ask(a.client, `Write a support conversation as JSON with exactly 2 messages, case ${i}.`));
    assert.equal(answers.size, 30);
  });
});
