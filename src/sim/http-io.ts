import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, type ApiFailure } from './api-failure';

/** Small HTTP helpers: ids, bodies, JSON and error responses. */
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function newId(prefix: string): string {
  const bytes = randomBytes(24);
  let id = `${prefix}_011C`;
  for (const b of bytes) id += ID_CHARS[b % ID_CHARS.length];
  return id;
}

export type BodyResult = { readonly ok: true; readonly text: string } | { readonly ok: false };

/**
 * Reads the body up to `maxBytes`. A bigger body is drained without being kept, so the client can
 * finish sending and read the 413 instead of meeting a reset socket.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > maxBytes;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(tooLarge ? { ok: false } : { ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendFailure(res: ServerResponse, f: ApiFailure, requestId: string, headers: Record<string, string>): void {
  const extra: Record<string, string> = { ...headers, 'request-id': requestId };
  if (f.retryAfterSeconds !== undefined) extra['retry-after'] = String(f.retryAfterSeconds);
  // the real API sends x-should-retry on errors; false on the spend cap, which will not clear this month
  if (f.status === 429 || f.status >= 500) extra['x-should-retry'] = f.errorCode === 'enforced_spend_limit_reached' ? 'false' : 'true';
  sendJson(res, f.status, errorBody(f, requestId), extra);
}

/** The API key from `x-api-key` or `Authorization: Bearer`, or undefined. */
export function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = req.headers['authorization'];
  const match = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
  return match?.[1];
}
