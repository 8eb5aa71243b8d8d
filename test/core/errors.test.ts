import assert from 'node:assert/strict';
import Anthropic, { AnthropicError, APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { classify, ForgeError, redact, type ClassifiedError } from '../../src/core/errors';
import { fakeApiKey } from '../support/fake-api-key';

// Every error below is built with the SDK's own constructors, the way client.js, core/streaming.js and
// lib/MessageStream.js build them, so classify() is tested against the objects it will really meet.

const KEY = fakeApiKey('api03-AbC_dEf-123456789');

function body(type: string, message: string, errorCode?: string) {
  return {
    type: 'error',
    error: { type, message, ...(errorCode ? { details: { error_code: errorCode } } : {}) },
    request_id: 'req_body',
  };
}

function statusError(status: number, type: string, headers: Record<string, string> = {}, errorCode?: string): APIError {
  return APIError.generate(
    status,
    body(type, `${type} happened`, errorCode),
    undefined,
    new Headers({ 'request-id': `req_${status}`, ...headers }),
  );
}

function expectKind(c: ClassifiedError, kind: string, action: string, retryable: boolean): void {
  assert.equal(c.kind, kind, c.message);
  assert.equal(c.action, action, c.message);
  assert.equal(c.retryable, retryable, c.message);
}

describe('classify: HTTP status errors from the SDK', () => {
  it('429 with retry-after seconds pauses, with the wait and the request id', () => {
    const c = classify(
      statusError(429, 'rate_limit_error', {
        'retry-after': '7',
        'anthropic-ratelimit-requests-remaining': '0',
      }),
    );
    expectKind(c, 'rate_limited', 'pause', true);
    assert.equal(c.retryAfterMs, 7000);
    assert.equal(c.requestId, 'req_429');
    assert.equal(c.status, 429);
    assert.equal(c.errorCode, undefined);
    assert.equal(c.headers?.get('anthropic-ratelimit-requests-remaining'), '0');
  });

  it('retry-after-ms wins over retry-after', () => {
    const c = classify(statusError(429, 'rate_limit_error', { 'retry-after': '7', 'retry-after-ms': '1250' }));
    assert.equal(c.retryAfterMs, 1250);
  });

  it('429 without any retry header has no retryAfterMs', () => {
    const c = classify(statusError(429, 'rate_limit_error'));
    expectKind(c, 'rate_limited', 'pause', true);
    assert.equal(c.retryAfterMs, undefined);
  });

  it('429 enforced_spend_limit_reached stops the run and is not retryable', () => {
    const viaGenerate = classify(statusError(429, 'rate_limit_error', {}, 'enforced_spend_limit_reached'));
    expectKind(viaGenerate, 'spend_cap', 'stop_run', false);
    assert.equal(viaGenerate.errorCode, 'enforced_spend_limit_reached');
    assert.equal(viaGenerate.retryAfterMs, undefined);

    // The class the client really raises for this code (client.makeStatusError -> ERROR_CODE_CLASSES).
    const raised = new Anthropic.EnforcedSpendLimitReachedError(
      429,
      body('rate_limit_error', 'monthly spend limit reached', 'enforced_spend_limit_reached'),
      undefined,
      new Headers({ 'request-id': 'req_cap' }),
    );
    const c = classify(raised);
    expectKind(c, 'spend_cap', 'stop_run', false);
    assert.equal(c.requestId, 'req_cap');
  });

  it("429 contract_spend_limit_reached (the contract's spend limit) stops the run like the monthly cap", () => {
    // SDK 1.12 raises ContractSpendLimitReachedError for it: "The organization has reached the spend limit
    // of its contract." Waiting seconds will not clear it, so pausing and retrying would spin forever.
    const raised = new Anthropic.ContractSpendLimitReachedError(
      429,
      body('rate_limit_error', 'contract spend limit reached', 'contract_spend_limit_reached'),
      undefined,
      new Headers({ 'request-id': 'req_contract' }),
    );
    const c = classify(raised);
    expectKind(c, 'spend_cap', 'stop_run', false);
    assert.equal(c.errorCode, 'contract_spend_limit_reached');
  });

  it('429 ramp_limit_exceeded is an acceleration limit that pauses', () => {
    const raised = new Anthropic.RampLimitExceededError(
      429,
      body('rate_limit_error', 'ramp up more gradually', 'ramp_limit_exceeded'),
      undefined,
      new Headers({ 'request-id': 'req_ramp', 'retry-after': '3' }),
    );
    const c = classify(raised);
    expectKind(c, 'acceleration_limit', 'pause', true);
    assert.equal(c.errorCode, 'ramp_limit_exceeded');
    assert.equal(c.retryAfterMs, 3000);
  });

  const table: Array<[number, string, string, string, boolean]> = [
    [529, 'overloaded_error', 'overloaded', 'backoff', true],
    [500, 'api_error', 'server', 'backoff', true],
    [503, 'api_error', 'server', 'backoff', true],
    [504, 'timeout_error', 'timeout', 'backoff', true],
    [408, 'timeout_error', 'timeout', 'backoff', true],
    [409, 'api_error', 'server', 'backoff', true],
    [400, 'invalid_request_error', 'invalid_request', 'fail_job', false],
    [401, 'authentication_error', 'auth', 'stop_run', false],
    [402, 'billing_error', 'billing', 'stop_run', false],
    [403, 'permission_error', 'permission', 'stop_run', false],
    [404, 'not_found_error', 'not_found', 'fail_job', false],
    [413, 'request_too_large', 'too_large', 'fail_job', false],
  ];
  for (const [status, type, kind, action, retryable] of table) {
    it(`${status} ${type} -> ${kind} / ${action}`, () => {
      const c = classify(statusError(status, type));
      expectKind(c, kind, action, retryable);
      assert.equal(c.status, status);
      assert.equal(c.requestId, `req_${status}`);
    });
  }

  it('a status error with no body still classifies by status', () => {
    const c = classify(APIError.generate(529, undefined, undefined, new Headers()));
    expectKind(c, 'overloaded', 'backoff', true);
  });
});

describe('classify: errors without a status', () => {
  it('an SSE `event: error` overloaded body (status-less APIError) is overloaded, with the 200 request id', () => {
    // Exactly what core/streaming.js throws for `event: error` inside a 200 stream.
    const sse = body('overloaded_error', 'Overloaded');
    const err = new APIError(undefined, sse, undefined, new Headers({ 'request-id': 'req_stream' }), 'overloaded_error');
    assert.equal(err.status, undefined);
    const c = classify(err);
    expectKind(c, 'overloaded', 'backoff', true);
    assert.equal(c.requestId, 'req_stream');
    assert.equal(c.status, undefined);
  });

  it('a mid-stream rate_limit_error with a spend-cap code still stops the run', () => {
    const sse = body('rate_limit_error', 'cap', 'enforced_spend_limit_reached');
    const err = new APIError(undefined, sse, undefined, new Headers(), 'rate_limit_error');
    expectKind(classify(err), 'spend_cap', 'stop_run', false);
  });

  it('connection reset (ECONNRESET cause) is a network error worth a backoff', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const fetchFailed = new TypeError('fetch failed', { cause: reset });
    const c = classify(new APIConnectionError({ cause: fetchFailed }));
    expectKind(c, 'network', 'backoff', true);
    assert.match(c.message, /ECONNRESET/);
  });

  it('a connection error with no recognisable cause is still a network error', () => {
    expectKind(classify(new APIConnectionError({ message: 'Connection error.' })), 'network', 'backoff', true);
  });

  it('a socket closed mid-stream (wrapped by MessageStream in an AnthropicError) is a network error', () => {
    const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const terminated = new TypeError('terminated', { cause: socket });
    // lib/MessageStream.js: `new AnthropicError(error.message)` with `.cause = error`.
    const wrapped = new AnthropicError(terminated.message);
    (wrapped as { cause?: unknown }).cause = terminated;
    expectKind(classify(wrapped), 'network', 'backoff', true);
  });

  it("undici's body timeout mid-stream is a timeout, not an unexpected error", () => {
    const idle = Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT', name: 'BodyTimeoutError' });
    const terminated = new TypeError('terminated', { cause: idle });
    const wrapped = new AnthropicError(terminated.message);
    (wrapped as { cause?: unknown }).cause = terminated;
    expectKind(classify(wrapped), 'timeout', 'backoff', true);
  });

  it('APIConnectionTimeoutError is a timeout', () => {
    expectKind(classify(new APIConnectionTimeoutError()), 'timeout', 'backoff', true);
  });

  it('APIUserAbortError is a cancel, not a failure', () => {
    expectKind(classify(new APIUserAbortError()), 'cancelled', 'cancel', false);
  });

  it('a DOMException AbortError is a cancel', () => {
    const controller = new AbortController();
    controller.abort();
    expectKind(classify(controller.signal.reason), 'cancelled', 'cancel', false);
  });

  it('any error with an aborted signal is a cancel', () => {
    const controller = new AbortController();
    controller.abort();
    const reset = new APIConnectionError({ cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) });
    expectKind(classify(reset, controller.signal), 'cancelled', 'cancel', false);
    // ...and the same error with a live signal is not.
    expectKind(classify(reset, new AbortController().signal), 'network', 'backoff', true);
  });
});

describe('classify: errors raised by Conversation Forge and by bugs', () => {
  it("ForgeError('invalid_output') regenerates and carries the usage already spent", () => {
    const usage = { inputTokens: 120, outputTokens: 40, cacheCreationInputTokens: 0, cacheReadInputTokens: 8 };
    const c = classify(new ForgeError('invalid_output', 'reply was not valid JSON', { usage }));
    expectKind(c, 'invalid_output', 'regenerate', true);
    assert.deepEqual(c.usage, usage);
    assert.match(c.message, /not valid JSON/);
  });

  it('an unexpected TypeError is unknown and fails only its job', () => {
    const c = classify(new TypeError("Cannot read properties of undefined (reading 'text')"));
    expectKind(c, 'unknown', 'fail_job', false);
    assert.match(c.message, /reading 'text'/);
  });

  it('a thrown non-Error value is unknown', () => {
    expectKind(classify('boom'), 'unknown', 'fail_job', false);
    expectKind(classify(undefined), 'unknown', 'fail_job', false);
    expectKind(classify(42), 'unknown', 'fail_job', false);
  });
});

describe('redact', () => {
  it('removes an sk-ant key and a bearer token from text', () => {
    const out = redact(`bad key ${KEY} sent as Authorization: Bearer ${KEY}`);
    assert.ok(!out.includes('AbC_dEf-123456789'), out);
    assert.match(out, /sk-ant-…/);
  });

  it('classify never puts a key into its message, whatever carried it', () => {
    const fromApi = classify(statusError(401, 'authentication_error', {}));
    assert.ok(!fromApi.message.includes(KEY));
    const echoed = APIError.generate(401, body('authentication_error', `invalid x-api-key ${KEY}`), undefined, new Headers());
    assert.ok(!classify(echoed).message.includes(KEY), classify(echoed).message);
    assert.ok(!classify(new Error(`oops ${KEY}`)).message.includes(KEY));
    assert.ok(!classify(`thrown ${KEY}`).message.includes(KEY));
    assert.ok(!classify(new ForgeError('auth', `key ${KEY} refused`)).message.includes(KEY));
  });
});
