import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index';
import { FakeClock } from '../support/fake-clock';
import { FAST, pendingLatency, startFixture, thrown, type SimFixture } from './sim-support';

const LONG = 'The shop repairs bicycles of every kind and keeps careful notes. '.repeat(40); // ~650 tokens
/** Room for every request these tests make: only caching is under test here. */
const ROOMY = { limits: { default: { requestsPerMinute: 10_000 } }, burstSeconds: 60 };
const cached = (ttl?: '5m' | '1h') => ({ type: 'ephemeral' as const, ...(ttl ? { ttl } : {}) });

function body(
  messages: string[],
  options: { system?: string; ttl?: '5m' | '1h'; markLast?: boolean; markSystem?: boolean; model?: string } = {},
) {
  return {
    model: options.model ?? 'claude-haiku-5-5',
    max_tokens: 200,
    system: [
      {
        type: 'text' as const,
        text: options.system ?? LONG,
        ...(options.markSystem === false ? {} : { cache_control: cached(options.ttl) }),
      },
    ],
    messages: messages.map((text, i) => ({
      role: (i % 2 === 0 ? 'user' : 'assistant') as 'user' | 'assistant',
      content: [
        {
          type: 'text' as const,
          text,
          ...(options.markLast !== false && i === messages.length - 1 ? { cache_control: cached(options.ttl) } : {}),
        },
      ],
    })),
  };
}

describe('sim: prompt caching', () => {
  let f: SimFixture | undefined;
  let sim: SimulatorHandle | undefined;
  afterEach(async () => {
    await f?.sim.close();
    await sim?.close();
    f = undefined;
    sim = undefined;
  });

  it('writes a prefix once, then reads it; usage adds up to count_tokens and splits writes by TTL', async () => {
    f = await startFixture(ROOMY);
    const first = await f!.client.messages.create(body(['Hello']));
    const total = (
      await f!.client.messages.countTokens({
        model: 'claude-haiku-5-5',
        system: body(['Hello']).system,
        messages: body(['Hello']).messages,
      })
    ).input_tokens;
    assert.equal(first.usage.cache_read_input_tokens, 0);
    assert.ok(first.usage.cache_creation_input_tokens! > 500);
    assert.equal(first.usage.input_tokens + first.usage.cache_creation_input_tokens!, total);
    assert.deepEqual(first.usage.cache_creation, {
      ephemeral_5m_input_tokens: first.usage.cache_creation_input_tokens,
      ephemeral_1h_input_tokens: 0,
    });

    const second = await f!.client.messages.create(body(['Hello', 'Hi, how can I help?', 'My chain slips.']));
    assert.equal(second.usage.cache_read_input_tokens, total, 'the whole earlier prompt is read');
    assert.ok(
      second.usage.cache_creation_input_tokens! > 0 && second.usage.cache_creation_input_tokens! < 40,
      'only the new messages are written',
    );
    const stats = f!.sim.stats();
    assert.equal(stats.cache.reads, 1);
    assert.equal(stats.cache.writes, 2);
    assert.equal(stats.cache.readTokens, total);
    assert.equal(stats.byModelClass.haiku?.cache.readTokens, total);
  });

  it('caches nothing below the model minimum and fails nothing', async () => {
    f = await startFixture(ROOMY);
    const short = body(['Hi'], { system: 'Short system prompt.' });
    const a = await f!.client.messages.create(short);
    const b = await f!.client.messages.create(short);
    for (const m of [a, b]) {
      assert.equal(m.usage.cache_creation_input_tokens, 0);
      assert.equal(m.usage.cache_read_input_tokens, 0);
    }
    // haiku-4-5 needs 4,096 tokens: the same long prompt that haiku-5-5 caches is too short there
    const legacy = await f!.client.messages.create(body(['Hi'], { model: 'claude-haiku-4-5' }));
    assert.equal(legacy.usage.cache_creation_input_tokens, 0);
  });

  it('finds an entry at most 20 blocks back from a breakpoint', async () => {
    f = await startFixture(ROOMY);
    const turns = (n: number) => Array.from({ length: n }, (_, i) => `message ${i}`);
    const unmarked = { markSystem: false };
    await f!.client.messages.create(body(turns(1), unmarked));
    const within = await f!.client.messages.create(body(turns(21), unmarked)); // breakpoint 20 blocks after the entry
    assert.ok(within.usage.cache_read_input_tokens! > 0);
    await f!.client.messages.create(body(turns(1), { ...unmarked, system: `${LONG} v2` }));
    const beyond = await f!.client.messages.create(body(turns(23), { ...unmarked, system: `${LONG} v2` })); // 22 blocks after
    assert.equal(beyond.usage.cache_read_input_tokens, 0);
  });

  it('a prefix change (per-message text in the system) misses the cache', async () => {
    f = await startFixture(ROOMY);
    await f!.client.messages.create(body(['Hello'], { system: `${LONG} You are writing message 1.` }));
    const next = await f!.client.messages.create(body(['Hello', 'Hi', 'More'], { system: `${LONG} You are writing message 3.` }));
    assert.equal(next.usage.cache_read_input_tokens, 0);
  });

  it('counts cache writes against ITPM and cache reads not at all', async () => {
    f = await startFixture({ limits: { default: { requestsPerMinute: 10_000, inputTokensPerMinute: 3_000 } }, burstSeconds: 60 });
    const prompt = body(['Hello']);
    const first = await f!.client.messages.create(prompt);
    const charged = first.usage.input_tokens + first.usage.cache_creation_input_tokens!;
    // 3,000 ITPM holds about four full prompts; twenty reads go through because reads are free of it
    for (let i = 0; i < 20; i++) {
      const m = await f!.client.messages.create(prompt);
      assert.ok(m.usage.cache_read_input_tokens! > 500);
    }
    assert.equal(f!.sim.stats().rateLimited, 0);
    assert.ok(charged > 600);
  });

  it('an entry expires its TTL after the start of the request that last read it; 1h outlives 5m', async () => {
    const clock = new FakeClock();
    sim = await startSimulator({ ...FAST, ...ROOMY, clock });
    const client = new Anthropic({ apiKey: 'sk-ant-test-key', baseURL: sim.url, maxRetries: 0 });
    await client.messages.create(body(['a'], { markLast: false }));
    await clock.advance(4 * 60_000);
    assert.ok((await client.messages.create(body(['a'], { markLast: false }))).usage.cache_read_input_tokens! > 0, 'read at 4 min');
    await clock.advance(4 * 60_000);
    assert.ok((await client.messages.create(body(['a'], { markLast: false }))).usage.cache_read_input_tokens! > 0, 'the read refreshed it');
    await clock.advance(5 * 60_000 + 1);
    assert.equal(
      (await client.messages.create(body(['a'], { markLast: false }))).usage.cache_read_input_tokens,
      0,
      'expired after 5 min idle',
    );

    const long = body(['b'], { markLast: false, ttl: '1h', system: `${LONG} hour` });
    const written = await client.messages.create(long);
    assert.equal(written.usage.cache_creation?.ephemeral_1h_input_tokens, written.usage.cache_creation_input_tokens);
    await clock.advance(50 * 60_000);
    assert.ok((await client.messages.create(long)).usage.cache_read_input_tokens! > 0, '1h entry read after 50 min');
  });

  it('an entry is usable only once the response that writes it has begun', async () => {
    // On a fake clock: each request waits out its latency on a timer the test releases, so
    // `early` is admitted while the writer's response has certainly not begun, however busy the machine.
    const clock = new FakeClock();
    f = await startFixture({ ...ROOMY, latency: { baseMs: 300, perOutputTokenMs: 0, jitterMs: 0 }, clock });
    const prompt = body(['Hello'], { markLast: false });
    const answered = async (count: number) => {
      await pendingLatency(clock, count);
      await clock.advance(300);
    };
    const writer = f!.client.messages.create(prompt);
    await pendingLatency(clock, 1); // the writer is admitted, its response not begun
    const earlyCall = f!.client.messages.create(prompt);
    await answered(2);
    const early = await earlyCall;
    const lateCall = f!.client.messages.create(prompt);
    await answered(1);
    const late = await lateCall;
    assert.equal(early.usage.cache_read_input_tokens, 0, 'sent before the writer began: a second write');
    assert.ok(early.usage.cache_creation_input_tokens! > 0);
    assert.ok((await writer).usage.cache_creation_input_tokens! > 0);
    assert.ok(late.usage.cache_read_input_tokens! > 0);
  });

  it('rejects more than four breakpoints and a bad ttl with the API wording', async () => {
    f = await startFixture(ROOMY);
    const five = body(
      ['a', 'b', 'c', 'd', 'e'].map((x) => x),
      { markLast: false },
    );
    five.messages = five.messages.map((m) => ({ ...m, content: m.content.map((c) => ({ ...c, cache_control: cached() })) }));
    const err = (await thrown(() => f!.client.messages.create(five))) as { status?: number; message: string };
    assert.equal(err.status, 400);
    assert.match(err.message, /A maximum of 4 blocks with cache_control may be provided\. Found 6\./);
    const badTtl = body(['a']) as unknown as { system: { cache_control: unknown }[] };
    badTtl.system[0]!.cache_control = { type: 'ephemeral', ttl: '10m' };
    const err2 = (await thrown(() => f!.client.messages.create(badTtl as never))) as { status?: number; message: string };
    assert.equal(err2.status, 400);
    assert.match(err2.message, /ttl/);
  });

  it('top-level cache_control puts the breakpoint on the last block (automatic caching)', async () => {
    f = await startFixture(ROOMY);
    const auto = {
      model: 'claude-haiku-5-5',
      max_tokens: 100,
      cache_control: cached(),
      system: LONG,
      messages: [{ role: 'user' as const, content: 'Hi' }],
    };
    const a = await f!.client.messages.create(auto as never);
    const b = await f!.client.messages.create(auto as never);
    assert.ok((a as Anthropic.Message).usage.cache_creation_input_tokens! > 500);
    assert.ok((b as Anthropic.Message).usage.cache_read_input_tokens! > 500);
  });
});
