import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { HELLO, startFixture, thrown, type SimFixture } from './sim-support';

type Body = Parameters<Anthropic['messages']['create']>[0];

describe('sim: request validation and auth', () => {
  let f: SimFixture;
  beforeEach(async () => {
    f = await startFixture({ acceptKey: (key) => key.startsWith('sk-ant-test'), maxBodyBytes: 4096 });
  });
  afterEach(async () => f.sim.close());

  async function badRequest(body: unknown): Promise<InstanceType<typeof Anthropic.APIError>> {
    const err = await thrown(() => f.client.messages.create(body as Body));
    assert.ok(err instanceof Anthropic.BadRequestError, String(err));
    assert.equal(err.type, 'invalid_request_error');
    return err;
  }

  it('rejects temperature, top_p and top_k with 400', async () => {
    for (const key of ['temperature', 'top_p', 'top_k']) {
      const err = await badRequest({ ...HELLO, [key]: 0.5 });
      assert.match(err.apiMessage ?? '', new RegExp(`^${key}:`));
      assert.ok(err.headers?.get('anthropic-ratelimit-requests-limit'), 'errors carry rate-limit headers too');
      assert.match(err.requestID ?? '', /^req_/);
    }
  });

  it('rejects forced tool use on current models only', async () => {
    const tools = [{ name: 'emit', input_schema: { type: 'object' as const } }];
    const err = await badRequest({ ...HELLO, model: 'claude-sonnet-5-5', tools, tool_choice: { type: 'any' } });
    assert.equal(err.apiMessage, 'tool_choice: type "tool" and "any" are not supported for this model.');
    await f.client.messages.create({ ...HELLO, model: 'claude-haiku-4-5', tools, tool_choice: { type: 'tool', name: 'emit' } });
  });

  it('rejects bad max_tokens and bad message sequences', async () => {
    await badRequest({ model: HELLO.model, messages: HELLO.messages });
    await badRequest({ ...HELLO, max_tokens: 0 });
    await badRequest({ ...HELLO, messages: [] });
    await badRequest({ ...HELLO, messages: [{ role: 'assistant', content: 'hi' }] });
    const err = await badRequest({
      ...HELLO,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ],
    });
    assert.match(err.apiMessage ?? '', /alternate/);
  });

  it('answers an unknown model with 404 not_found_error', async () => {
    const err = await thrown(() => f.client.messages.create({ ...HELLO, model: 'claude-nonexistent-9' }));
    assert.ok(err instanceof Anthropic.NotFoundError);
    assert.equal(err.type, 'not_found_error');
  });

  it('answers a rejected or missing key with 401', async () => {
    const bad = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: f.sim.url, maxRetries: 0 });
    const err = await thrown(() => bad.messages.create(HELLO));
    assert.ok(err instanceof Anthropic.AuthenticationError);
    assert.equal(err.type, 'authentication_error');

    const raw = await fetch(`${f.sim.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2026-10-21' },
      body: JSON.stringify(HELLO),
    });
    assert.equal(raw.status, 401);
    const body = (await raw.json()) as { type: string; error: { type: string }; request_id: string };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'authentication_error');
    assert.equal(body.request_id, raw.headers.get('request-id'));
  });

  it('accepts x-api-key and requires anthropic-version', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${f.sim.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(HELLO),
      });
    assert.equal((await post({ 'x-api-key': 'sk-ant-test-1', 'anthropic-version': '2026-10-21' })).status, 200);
    const noVersion = await post({ 'x-api-key': 'sk-ant-test-1' });
    assert.equal(noVersion.status, 400);
    assert.match(await noVersion.text(), /anthropic-version/);
  });

  it('answers a body over the size limit with 413 request_too_large', async () => {
    const err = await thrown(() => f.client.messages.create({ ...HELLO, messages: [{ role: 'user', content: 'x'.repeat(5000) }] }));
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.status, 413);
    assert.equal(err.type, 'request_too_large');
  });
});
