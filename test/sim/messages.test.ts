import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { countTextTokens, startSimulator } from '../../src/sim/index';
import { FakeClock } from '../support/fake-clock';
import { HELLO, pendingLatency, startFixture, type SimFixture } from './sim-support';

describe('sim: messages', () => {
  let f: SimFixture;
  afterEach(async () => f?.sim.close());

  it('answers create().withResponse() with text, usage and rate-limit headers', async () => {
    f = await startFixture();
    const { data, response, request_id } = await f.client.messages.create(HELLO).withResponse();
    assert.equal(data.type, 'message');
    assert.equal(data.role, 'assistant');
    assert.equal(data.model, 'claude-haiku-5-5');
    assert.equal(data.stop_reason, 'end_turn');
    const text = data.content.find((b) => b.type === 'text');
    assert.ok(text && text.type === 'text' && text.text.length > 20);
    assert.equal(data.usage.output_tokens, countTextTokens(text.text));
    assert.ok(data.usage.input_tokens > 0);
    assert.equal(data.usage.cache_read_input_tokens, 0);
    assert.match(request_id ?? '', /^req_/);
    for (const dim of ['requests', 'input-tokens', 'output-tokens', 'tokens']) {
      assert.ok(response.headers.get(`anthropic-ratelimit-${dim}-limit`), dim);
      assert.ok(response.headers.get(`anthropic-ratelimit-${dim}-remaining`) !== null, dim);
      assert.match(response.headers.get(`anthropic-ratelimit-${dim}-reset`) ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    assert.equal(response.headers.get('anthropic-ratelimit-requests-limit'), '50');
    // the headers describe the minute bucket: 50 requests, this one took one
    assert.equal(response.headers.get('anthropic-ratelimit-requests-remaining'), '49');
  });

  it('streams through messages.stream().finalMessage(), thinking block first when enabled', async () => {
    f = await startFixture({ thinking: true, latency: { baseMs: 5, perOutputTokenMs: 0.2, jitterMs: 0 } });
    const stream = f.client.messages.stream(HELLO);
    const events: string[] = [];
    stream.on('streamEvent', (e) => events.push(e.type));
    const message = await stream.finalMessage();
    assert.deepEqual(
      message.content.map((b) => b.type),
      ['thinking', 'text'],
    );
    const thinking = message.content[0]!;
    assert.ok(thinking.type === 'thinking' && thinking.thinking.length > 0 && thinking.signature.length > 0);
    assert.equal(message.stop_reason, 'end_turn');
    assert.ok(message.usage.output_tokens > 1);
    assert.equal(events[0], 'message_start');
    assert.ok(events.includes('content_block_delta'));
    assert.deepEqual(events.slice(-2), ['message_delta', 'message_stop']);
    assert.equal(f.sim.stats().messages, 1);
  });

  it('returns exactly N alternating messages when the prompt asks for a JSON conversation', async () => {
    f = await startFixture({ output: { tokensPerMessage: 20 } });
    const data = await f.client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 4000,
      messages: [{ role: 'user', content: 'Reply with JSON only: a conversation of exactly 7 messages about gardening.' }],
    });
    const text = data.content.find((b) => b.type === 'text');
    assert.ok(text && text.type === 'text');
    const parsed = JSON.parse(text.text) as { messages: { role: string; content: string }[] };
    assert.equal(parsed.messages.length, 7);
    parsed.messages.forEach((m, i) => {
      assert.equal(m.role, i % 2 === 0 ? 'user' : 'assistant');
      assert.ok(m.content.length > 20);
    });
    assert.equal(new Set(parsed.messages.map((m) => m.content)).size, 7, 'messages should vary');
  });

  it('cuts the answer at max_tokens and says so', async () => {
    f = await startFixture({ output: { tokensPerMessage: 200 } });
    const data = await f.client.messages.create({ ...HELLO, max_tokens: 10 });
    assert.equal(data.stop_reason, 'max_tokens');
    assert.equal(data.usage.output_tokens, 10);
    const text = data.content.find((b) => b.type === 'text');
    assert.ok(text && text.type === 'text' && text.text.length === 40);
  });

  it('count_tokens equals usage.input_tokens for the same body', async () => {
    f = await startFixture();
    const body = {
      model: 'claude-opus-5-5',
      system: 'You write synthetic dialogues.',
      messages: [
        { role: 'user' as const, content: 'First turn, fairly short.' },
        { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'A reply in a block.' }] },
        { role: 'user' as const, content: 'And the last user turn, with a few more words in it.' },
      ],
    };
    const counted = await f.client.messages.countTokens(body);
    const created = await f.client.messages.create({ ...body, max_tokens: 100 });
    assert.ok(counted.input_tokens > 10);
    assert.equal(created.usage.input_tokens, counted.input_tokens);
  });

  it('gives the same answer for the same seed', async () => {
    f = await startFixture({ seed: 42 });
    const a = await f.client.messages.create(HELLO);
    await f.sim.close();
    f = await startFixture({ seed: 42 });
    const b = await f.client.messages.create(HELLO);
    assert.deepEqual(a.content, b.content);
  });

  it('counts concurrency, tokens and statuses in stats, and resets them', async () => {
    // three at once: more than the default 1 s window admits at 50 RPM. On a fake clock the three
    // are surely on the server together (each sleeping out its latency) however busy the machine.
    const clock = new FakeClock();
    f = await startFixture({ clock, burstSeconds: 6, latency: { baseMs: 30, perOutputTokenMs: 0, jitterMs: 0 } });
    const pending = Promise.all([1, 2, 3].map(() => f.client.messages.create(HELLO)));
    await pendingLatency(clock, 3);
    await clock.advance(30);
    const answers = await pending;
    const stats = f.sim.stats();
    assert.equal(stats.peakConcurrency, 3);
    assert.equal(stats.messages, 3);
    assert.equal(stats.byStatus['200'], 3);
    assert.equal(
      stats.outputTokens,
      answers.reduce((n, a) => n + a.usage.output_tokens, 0),
    );
    assert.equal(
      stats.byModelClass.haiku?.inputTokens,
      answers.reduce((n, a) => n + a.usage.input_tokens, 0),
    );
    assert.ok(stats.firstRequestAt! <= stats.lastRequestAt!);
    assert.equal(stats.lastFinishedAt! - stats.lastRequestAt!, 30, 'the last answer ended one latency after the last request began');
    assert.equal((await fetch(`${f.sim.url}/_sim/reset`, { method: 'POST' })).status, 200);
    const after = f.sim.stats();
    assert.equal(after.requests, 0);
    assert.equal(after.firstRequestAt, undefined);
    assert.equal(after.lastFinishedAt, undefined);
  });
});

describe('sim: count_tokens latency', () => {
  it('answers count_tokens after latency.countTokensMs, and at once by default', async () => {
    const clock = new FakeClock();
    const sim = await startSimulator({ clock, latency: { countTokensMs: 300 } });
    try {
      const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: sim.url, maxRetries: 0 });
      const body = { model: 'claude-haiku-5-5', messages: [{ role: 'user' as const, content: 'hi' }] };
      const slow = client.messages.countTokens(body);
      assert.equal(await pendingLatency(clock), 300);
      await clock.advance(300);
      await slow;
      sim.configure({ latency: { countTokensMs: 0 } });
      // With the clock standing still, only an answer that waits for no timer can arrive.
      await client.messages.countTokens(body);
      assert.equal(clock.pendingTimers, 0);
    } finally {
      await sim.close();
    }
  });

  it('stats tell the first request (count_tokens included) from the first message request', async () => {
    const clock = new FakeClock(1000);
    const sim = await startSimulator({ clock, latency: { baseMs: 0, perOutputTokenMs: 0, jitterMs: 0 } });
    try {
      const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: sim.url, maxRetries: 0 });
      const body = { model: 'claude-haiku-5-5', messages: [{ role: 'user' as const, content: 'hi' }] };
      await client.messages.countTokens(body);
      assert.equal(sim.stats().firstMessageAt, undefined);
      await clock.advance(250);
      await client.messages.create({ ...body, max_tokens: 50 });
      await client.messages.countTokens(body);
      const stats = sim.stats();
      assert.equal(stats.firstRequestAt, 1000);
      assert.equal(stats.firstMessageAt, 1250);
    } finally {
      await sim.close();
    }
  });
});
