import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../core/clock';
import { failure } from './api-failure';
import { newId, readBody, sendFailure, sendJson } from './http-io';
import { handleCountTokens, handleMessages, type RequestContext } from './messages-handler';
import { handleMessageBatches } from './message-batches/batch-handler';
import { resolveOptions, type SimulatorConfig, type SimulatorOptions } from './options';
import { SimState } from './sim-state';
import type { SimStats } from './stats';
import { invalidOption } from '../core/validate';

/**
 * The simulator's HTTP server: routing, per-request bookkeeping and the /_sim admin endpoints.
 */
export interface SimulatorHandle {
  /** Base URL for `new Anthropic({ baseURL })`, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  stats(): SimStats;
  /** Validated like the options; throws TypeError and changes nothing when invalid. */
  configure(patch: Partial<SimulatorConfig>): void;
  resetStats(): void;
  close(): Promise<void>;
}

const ADMIN_BODY_LIMIT = 1024 * 1024;

async function handleAdmin(state: SimState, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method === 'GET' && path === '/_sim/stats') {
    sendJson(res, 200, state.snapshotStats());
    return;
  }
  if (req.method === 'POST' && path === '/_sim/reset') {
    await readBody(req, ADMIN_BODY_LIMIT);
    state.resetStats();
    sendJson(res, 200, { ok: true });
    return;
  }
  if (req.method === 'POST' && path === '/_sim/refill') {
    await readBody(req, ADMIN_BODY_LIMIT);
    state.refillAll();
    sendJson(res, 200, { ok: true });
    return;
  }
  if (req.method === 'POST' && path === '/_sim/config') {
    const body = await readBody(req, ADMIN_BODY_LIMIT);
    try {
      if (!body.ok) throw invalidOption('config patch', 'at most 1 MB', `${req.headers['content-length'] ?? 'more'} bytes`);
      state.configure(JSON.parse(body.text));
    } catch (err) {
      sendJson(res, 400, { ok: false, error: err instanceof Error ? err.message : String(err) });
      return;
    }
    sendJson(res, 200, { ok: true, limits: state.config.limits });
    return;
  }
  sendJson(res, 404, { ok: false, error: `No admin endpoint ${req.method} ${path}` });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const resolved = resolveOptions(options);
  const state = new SimState(resolved, resolved.clock ?? systemClock);
  const inFlight = new Set<AbortController>();

  const server = createServer((req, res) => {
    const [path = '/', search = ''] = (req.url ?? '/').split('?');
    if (path.startsWith('/_sim/')) {
      handleAdmin(state, req, res, path).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: String(err) });
        else res.destroy();
      });
      return;
    }

    const controller = new AbortController();
    inFlight.add(controller);
    let wasReset = false;
    state.stats.started(state.clock.now());
    res.on('close', () => {
      inFlight.delete(controller);
      if (res.writableFinished) state.stats.finished(res.statusCode, state.clock.now());
      else {
        state.stats.finished(wasReset ? 'reset' : 'aborted', state.clock.now());
        controller.abort(new Error('client closed the connection'));
      }
    });
    const ctx: RequestContext = {
      requestId: newId('req'),
      signal: controller.signal,
      reset: () => {
        wasReset = true;
        req.socket.destroy();
      },
    };

    let handler: Promise<void> | undefined;
    if (req.method === 'POST' && path === '/v1/messages') {
      state.stats.messageStarted(state.clock.now());
      handler = handleMessages(state, req, res, ctx);
    } else if (req.method === 'POST' && path === '/v1/messages/count_tokens') handler = handleCountTokens(state, req, res, ctx);
    else handler = handleMessageBatches(state, req, res, ctx, path, new URLSearchParams(search));
    if (!handler) {
      sendFailure(res, failure(404, 'not_found_error', `Not Found: ${req.method} ${path}`), ctx.requestId, {});
      return;
    }
    handler.catch((err: unknown) => {
      // a bug in the simulator must look like a server error, never hang the client
      if (!res.headersSent) sendFailure(res, failure(500, 'api_error', `Simulator error: ${String(err)}`), ctx.requestId, {});
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;

  return {
    url: `http://${host}:${port}`,
    port,
    stats: () => state.snapshotStats(),
    configure: (patch) => state.configure(patch),
    resetStats: () => state.resetStats(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const c of inFlight) c.abort(new Error('simulator closed'));
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
