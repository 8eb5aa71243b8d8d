import type { IncomingMessage, ServerResponse } from 'node:http';
import { failure, type ApiFailure } from '../api-failure';
import { apiKeyOf, readBody, sendFailure, sendJson } from '../http-io';
import type { RequestContext } from '../messages-handler';
import type { SimState } from '../sim-state';
import { batchJson } from './batch-json';
import { parseCreateBody } from './batch-create-body';
import { resultLines } from './batch-results';
import type { BatchEndpoint } from './batch-stats';
import { statusAt, type SimBatch } from './batch-store';
import { writeResults } from './batch-download';

/**
 * The Message Batches endpoints: create, retrieve, list, cancel, delete and the results file. Every
 * call passes auth, the version header and the batch RPM bucket (polls and downloads count), in
 * that order; retrieve, cancel, delete and results answer 404 in the early window after create.
 */
const PREFIX = '/v1/messages/batches';

interface Route {
  readonly endpoint: BatchEndpoint;
  readonly id?: string;
}

function route(method: string | undefined, path: string): Route | undefined {
  if (path === PREFIX) return method === 'POST' ? { endpoint: 'creates' } : method === 'GET' ? { endpoint: 'lists' } : undefined;
  if (!path.startsWith(`${PREFIX}/`)) return undefined;
  const [id, action, ...rest] = path.slice(PREFIX.length + 1).split('/');
  if (!id || rest.length > 0) return undefined;
  if (action === undefined)
    return method === 'GET' ? { endpoint: 'retrieves', id } : method === 'DELETE' ? { endpoint: 'deletes', id } : undefined;
  if (action === 'cancel' && method === 'POST') return { endpoint: 'cancels', id };
  if (action === 'results' && method === 'GET') return { endpoint: 'downloads', id };
  return undefined;
}

/** Handles the request when it is a Message Batches call; returns undefined (nothing sent) when it is not. */
export function handleMessageBatches(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  path: string,
  query: URLSearchParams,
): Promise<void> | undefined {
  const r = route(req.method, path);
  if (!r) return undefined;
  return serve(state, req, res, ctx, r, query);
}

async function serve(state: SimState, req: IncomingMessage, res: ServerResponse, ctx: RequestContext, r: Route, query: URLSearchParams) {
  const stats = state.messageBatchStats;
  stats.call(r.endpoint);
  const fail = (f: ApiFailure) => sendFailure(res, f, ctx.requestId, {});
  const denied = checkAccess(state, req);
  if (denied) {
    await readBody(req, 1024); // drain, so the client reads the answer rather than a reset
    return fail(denied);
  }
  const now = state.clock.now();
  const wait = state.messageBatchLimit.waitFor(1, now);
  if (wait > 0) {
    stats.rateLimited();
    const limit = state.messageBatchLimit.limit;
    return fail(
      failure(
        429,
        'rate_limit_error',
        `This request would exceed your organization's rate limit of ${limit} Message Batches API requests per minute.`,
        {
          retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)),
        },
      ),
    );
  }
  state.messageBatchLimit.take(1, now);
  const config = state.config.messageBatches;
  if (config.overloadedCalls > 0) {
    config.overloadedCalls--;
    stats.overloaded();
    await readBody(req, 1024);
    return fail(failure(529, 'overloaded_error', 'Overloaded'));
  }
  const baseUrl = `http://${req.headers.host ?? '127.0.0.1'}`;
  const results = state.messageBatchResultsContext();

  if (r.endpoint === 'creates') {
    const body = await readBody(req, config.maxBytes);
    if (!body.ok)
      return fail(failure(413, 'request_too_large', `Request exceeds the maximum allowed number of bytes (${config.maxBytes}).`));
    const parsed = parseCreateBody(body.text, config.maxRequests);
    if ('status' in parsed) return fail(parsed);
    const queued = state.messageBatches.queuedRequests(now);
    if (queued + parsed.length > config.maxQueuedRequests) {
      stats.queueFull();
      const nextEnd = state.messageBatches.nextEnd(now);
      return fail(
        failure(
          429,
          'rate_limit_error',
          `This request would exceed your organization's limit of ${config.maxQueuedRequests} queued Message Batch requests (${queued} queued, ${parsed.length} more asked).`,
          { retryAfterSeconds: Math.max(1, Math.ceil(((nextEnd ?? now + 60_000) - now) / 1000)) },
        ),
      );
    }
    const batch = state.messageBatches.create(parsed, String(req.headers['anthropic-version']), now, config);
    stats.created(parsed.map((p) => p.customId));
    if (config.lostCreates > 0) {
      // the batch exists, but its creator never hears of it: only a list can find it
      config.lostCreates--;
      stats.lostCreate();
      ctx.reset();
      return;
    }
    return sendJson(res, 200, batchJson(batch, now, baseUrl, results), { 'request-id': ctx.requestId });
  }
  await readBody(req, 1024);

  if (r.endpoint === 'lists') {
    const page = listPage(state, query, now);
    if ('status' in page) return fail(page);
    const data = page.batches.map((b) => batchJson(b, now, baseUrl, results));
    return sendJson(
      res,
      200,
      { data, has_more: page.hasMore, first_id: page.batches[0]?.id ?? null, last_id: page.batches.at(-1)?.id ?? null },
      { 'request-id': ctx.requestId },
    );
  }

  const batch = state.messageBatches.get(r.id!);
  if (!batch || now < batch.visibleAt) {
    if (batch) stats.earlyNotFound();
    return fail(failure(404, 'not_found_error', `Message Batch ${r.id} not found`));
  }
  switch (r.endpoint) {
    case 'retrieves':
      return sendJson(res, 200, batchJson(batch, now, baseUrl, results), { 'request-id': ctx.requestId });
    case 'cancels':
      // Canceling an ended or canceling batch changes nothing and shows it as it is.
      state.messageBatches.cancel(batch, now, config);
      return sendJson(res, 200, batchJson(batch, now, baseUrl, results), { 'request-id': ctx.requestId });
    case 'deletes':
      if (statusAt(batch, now) !== 'ended') {
        return fail(
          failure(
            400,
            'invalid_request_error',
            `Message Batch ${batch.id} is still ${statusAt(batch, now)}: cancel it and wait for it to end before deleting it`,
          ),
        );
      }
      state.messageBatches.delete(batch.id);
      return sendJson(res, 200, { id: batch.id, type: 'message_batch_deleted' }, { 'request-id': ctx.requestId });
    default:
      return download(state, res, ctx, batch, now);
  }
}

async function download(state: SimState, res: ServerResponse, ctx: RequestContext, batch: SimBatch, now: number): Promise<void> {
  if (statusAt(batch, now) !== 'ended') {
    sendFailure(
      res,
      failure(404, 'not_found_error', `Message Batch ${batch.id} has no results yet: it is ${statusAt(batch, now)}`),
      ctx.requestId,
      {},
    );
    return;
  }
  const lines = resultLines(batch, state.messageBatchResultsContext());
  const config = state.config.messageBatches;
  const breakHalfWay = config.brokenDownloads > 0;
  if (breakHalfWay) {
    config.brokenDownloads--;
    state.messageBatchStats.brokenDownload();
  }
  await writeResults(res, lines, ctx, breakHalfWay);
}

function checkAccess(state: SimState, req: IncomingMessage): ApiFailure | undefined {
  const key = apiKeyOf(req);
  if (key === undefined || (state.acceptKey && !state.acceptKey(key))) {
    return failure(401, 'authentication_error', key === undefined ? 'x-api-key header is required' : 'invalid x-api-key');
  }
  const version = req.headers['anthropic-version'];
  if (typeof version !== 'string' || version === '') return failure(400, 'invalid_request_error', 'anthropic-version: header is required');
  return undefined;
}

interface ListPage {
  batches: SimBatch[];
  hasMore: boolean;
}

/** Newest first; `after_id` pages towards older batches, `before_id` towards newer ones. */
function listPage(state: SimState, query: URLSearchParams, now: number): ListPage | ApiFailure {
  const bad = (m: string) => failure(400, 'invalid_request_error', m);
  const rawLimit = query.get('limit');
  const limit = rawLimit === null ? 20 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return bad('limit: Input should be an integer from 1 to 1000');
  const afterId = query.get('after_id');
  const beforeId = query.get('before_id');
  if (afterId !== null && beforeId !== null) return bad('after_id and before_id cannot both be given');
  // batches inside their early-404 window are not listed either: the API does not know them yet
  const all = state.messageBatches.list().filter((b) => now >= b.visibleAt);
  if (beforeId !== null) {
    const at = all.findIndex((b) => b.id === beforeId);
    if (at < 0) return bad(`before_id: no Message Batch ${beforeId}`);
    const from = Math.max(0, at - limit);
    return { batches: all.slice(from, at), hasMore: from > 0 };
  }
  let start = 0;
  if (afterId !== null) {
    const at = all.findIndex((b) => b.id === afterId);
    if (at < 0) return bad(`after_id: no Message Batch ${afterId}`);
    start = at + 1;
  }
  return { batches: all.slice(start, start + limit), hasMore: start + limit < all.length };
}
