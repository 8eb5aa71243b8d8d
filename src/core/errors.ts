import type { RejectedOutput } from './generate/validate/rejected-output';
import type { Usage } from './usage';

/**
 * Every failure the engine can meet, and what to do about it, is decided here and only here.
 * Callers switch on `kind` / `action`; nobody matches message strings.
 */
export type ErrorKind =
  | 'rate_limited'
  | 'spend_cap'
  | 'acceleration_limit'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'network'
  | 'auth'
  | 'permission'
  | 'billing'
  | 'invalid_request'
  | 'not_found'
  | 'too_large'
  | 'cancelled'
  | 'invalid_output'
  | 'budget'
  | 'output'
  | 'prompt_changed'
  | 'store_config'
  | 'store_unavailable'
  | 'unknown';

/**
 * - pause: stop all dispatch until retry-after, requeue the job (does not use up an attempt)
 * - backoff: retry this job after an exponential, jittered delay (uses up an attempt)
 * - regenerate: the response was unusable; retry at once (uses up an attempt)
 * - fail_job: give up on this job, keep the run going
 * - stop_run: nothing else can succeed now; stop dispatching
 * - cancel: the user asked to stop; not a failure
 */
export type ErrorAction = 'pause' | 'backoff' | 'regenerate' | 'fail_job' | 'stop_run' | 'cancel';

interface Policy {
  readonly action: ErrorAction;
  readonly label: string;
}

export const ERROR_POLICY: Readonly<Record<ErrorKind, Policy>> = {
  rate_limited: { action: 'pause', label: 'rate limited (429)' },
  acceleration_limit: { action: 'pause', label: 'acceleration limit: traffic rose too sharply (429)' },
  spend_cap: { action: 'stop_run', label: 'monthly spend cap reached' },
  overloaded: { action: 'backoff', label: 'API overloaded (529)' },
  server: { action: 'backoff', label: 'server error' },
  timeout: { action: 'backoff', label: 'timed out' },
  network: { action: 'backoff', label: 'network error' },
  auth: { action: 'stop_run', label: 'authentication failed: check the API key' },
  permission: { action: 'stop_run', label: 'permission denied' },
  billing: { action: 'stop_run', label: 'billing problem on the account' },
  invalid_request: { action: 'fail_job', label: 'invalid request' },
  not_found: { action: 'fail_job', label: 'not found (unknown model?)' },
  too_large: { action: 'fail_job', label: 'request too large' },
  cancelled: { action: 'cancel', label: 'cancelled' },
  invalid_output: { action: 'regenerate', label: 'invalid output' },
  budget: { action: 'stop_run', label: 'budget reached' },
  output: { action: 'stop_run', label: 'cannot write the dataset' },
  prompt_changed: { action: 'stop_run', label: 'the prompt file changed since its dataset was written' },
  // The shared-limits store is misconfigured (bad Redis URL, wrong password): nothing can be metered.
  store_config: { action: 'stop_run', label: 'shared limits store misconfigured' },
  // The limiter itself turns this into a wait (nothing is sent unmetered); it reaches the
  // error policy only if a store fails outside an admit.
  store_unavailable: { action: 'pause', label: 'shared limits store unreachable' },
  unknown: { action: 'fail_job', label: 'unexpected error' },
};

/** Minimal view of response headers (the SDK passes a fetch `Headers`). */
export interface HeaderSource {
  get(name: string): string | null;
}

export interface ClassifiedError {
  readonly kind: ErrorKind;
  readonly action: ErrorAction;
  /** True when trying the same job again may succeed. */
  readonly retryable: boolean;
  /** Human-readable, one line, never contains credentials. */
  readonly message: string;
  readonly status?: number;
  readonly requestId?: string;
  /** From `retry-after-ms` / `retry-after`, when the server sent one. */
  readonly retryAfterMs?: number;
  /** `error.details.error_code` of the body, when present. */
  readonly errorCode?: string;
  /** Response headers, so the limiter can learn from an error response too. */
  readonly headers?: HeaderSource;
  /** Usage already spent (e.g. a response that came back but failed validation). */
  readonly usage?: Usage;
  /** The text validation turned down (kind 'invalid_output'), for the failures file. */
  readonly rejected?: RejectedOutput;
}

/** An error raised by Conversation Forge itself, with its kind decided at the throw site. */
export class ForgeError extends Error {
  override readonly name = 'ForgeError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly extra: { usage?: Usage; retryAfterMs?: number; cause?: unknown; rejected?: RejectedOutput } = {},
  ) {
    super(message);
  }
}

const BODY_TYPE_KINDS: Record<string, ErrorKind> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'auth',
  billing_error: 'billing',
  permission_error: 'permission',
  not_found_error: 'not_found',
  request_too_large: 'too_large',
  rate_limit_error: 'rate_limited',
  api_error: 'server',
  timeout_error: 'timeout',
  overloaded_error: 'overloaded',
};

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

// undici's own timers: a stream silent for bodyTimeout dies as AnthropicError('terminated') whose cause
// chain ends in UND_ERR_BODY_TIMEOUT; without these it was 'unknown' and the job was failed.
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function kindFromStatus(status: number, bodyType: string | undefined, errorCode: string | undefined): ErrorKind {
  if (status === 429) {
    // Both spend limits hold until someone raises them: waiting out a retry-after will not help.
    if (errorCode === 'enforced_spend_limit_reached' || errorCode === 'contract_spend_limit_reached') return 'spend_cap';
    if (errorCode === 'ramp_limit_exceeded') return 'acceleration_limit';
    return 'rate_limited';
  }
  if (status === 529) return 'overloaded';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'server';
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request';
    case 401:
      return 'auth';
    case 402:
      return 'billing';
    case 403:
      return 'permission';
    case 404:
      return 'not_found';
    case 409:
      return 'server';
    case 413:
      return 'too_large';
  }
  return (bodyType && BODY_TYPE_KINDS[bodyType]) || 'unknown';
}

function parseRetryAfter(headers: HeaderSource | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (raw == null || raw === '') return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function errorCodeOf(err: Record<string, unknown>): string | undefined {
  const code = err['errorCode'];
  if (typeof code === 'string') return code;
  const body = err['error'] as { error?: { details?: { error_code?: unknown } } } | undefined;
  const nested = body?.error?.details?.error_code;
  return typeof nested === 'string' ? nested : undefined;
}

function bodyTypeOf(err: Record<string, unknown>): string | undefined {
  if (typeof err['type'] === 'string') return err['type'];
  const body = err['error'] as { error?: { type?: unknown }; type?: unknown } | undefined;
  const t = body?.error?.type ?? body?.type;
  return typeof t === 'string' && t !== 'error' ? t : undefined;
}

function causeCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || TIMEOUT_CODES.has(code))) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function build(
  kind: ErrorKind,
  detail: string,
  extra: Omit<ClassifiedError, 'kind' | 'action' | 'retryable' | 'message'> = {},
): ClassifiedError {
  const policy = ERROR_POLICY[kind];
  const action = policy.action;
  const retryable = action === 'pause' || action === 'backoff' || action === 'regenerate';
  const message = detail && detail !== policy.label ? `${policy.label}: ${detail}` : policy.label;
  return { kind, action, retryable, message: redact(message), ...extra };
}

/** Strips anything that looks like an API key from a message. */
export function redact(text: string): string {
  return text.replace(/sk-ant-[A-Za-z0-9_-]+/g, 'sk-ant-…').replace(/(Bearer\s+)[^\s"']+/gi, '$1…');
}

function oneLine(text: unknown): string {
  return String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

/**
 * Classifies anything thrown by the SDK, fetch, the network or the engine itself.
 * `signal` tells a user abort apart from a connection that simply closed.
 */
export function classify(err: unknown, signal?: AbortSignal): ClassifiedError {
  if (err && typeof err === 'object' && (err as { name?: unknown }).name === 'ForgeError') {
    const fe = err as ForgeError;
    return build(fe.kind, fe.message, {
      ...(fe.extra.usage ? { usage: fe.extra.usage } : {}),
      ...(fe.extra.retryAfterMs !== undefined ? { retryAfterMs: fe.extra.retryAfterMs } : {}),
      ...(fe.extra.rejected ? { rejected: fe.extra.rejected } : {}),
    });
  }
  if (signal?.aborted) return build('cancelled', '');
  if (!err || typeof err !== 'object') return build('unknown', oneLine(err));

  const e = err as Record<string, unknown>;
  const name = typeof e['name'] === 'string' ? e['name'] : '';
  if (name === 'APIUserAbortError' || name === 'AbortError') return build('cancelled', '');
  if (name === 'APIConnectionTimeoutError' || name === 'TimeoutError') return build('timeout', oneLine(e['message']));

  const status = typeof e['status'] === 'number' ? e['status'] : undefined;
  const headers = e['headers'] && typeof (e['headers'] as HeaderSource).get === 'function' ? (e['headers'] as HeaderSource) : undefined;
  const requestId = (typeof e['requestID'] === 'string' && e['requestID']) || headers?.get('request-id') || undefined;
  const errorCode = errorCodeOf(e);
  const bodyType = bodyTypeOf(e);
  const apiMessage = typeof e['apiMessage'] === 'string' ? e['apiMessage'] : oneLine(e['message']);

  if (status !== undefined) {
    const kind = kindFromStatus(status, bodyType, errorCode);
    const retryAfterMs = parseRetryAfter(headers);
    return build(kind, `${status} ${apiMessage}`.trim(), {
      status,
      ...(requestId ? { requestId } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(errorCode ? { errorCode } : {}),
      ...(headers ? { headers } : {}),
    });
  }

  // No status: an error event inside a 200 SSE stream carries the body's type.
  if (bodyType && BODY_TYPE_KINDS[bodyType]) {
    const kind = bodyType === 'rate_limit_error' ? kindFromStatus(429, bodyType, errorCode) : BODY_TYPE_KINDS[bodyType]!;
    return build(kind, `mid-stream ${apiMessage}`.trim(), {
      ...(requestId ? { requestId } : {}),
      ...(errorCode ? { errorCode } : {}),
    });
  }

  const code = causeCode(err);
  if (name === 'APIConnectionError' || code) {
    const cause = (e['cause'] as { message?: unknown } | undefined)?.message;
    return build(code && TIMEOUT_CODES.has(code) ? 'timeout' : 'network', oneLine(code ?? cause ?? e['message']));
  }
  return build('unknown', oneLine(e['message'] ?? name));
}
