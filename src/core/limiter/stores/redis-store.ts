import { ForgeError } from '../../errors';
import type { LimiterStore, UpdateFn } from '../store';
import { CAS_SCRIPT, READ_SCRIPT, sha1 } from './redis-scripts';

/**
 * Limits shared across machines through Redis (the official client). Keys are
 * `convforge:{<namespace>}:<key>`: the braces are a hash tag, so every key of one API key lands on
 * one Redis Cluster slot. Every write renews an idle expiry, so abandoned state disappears by itself.
 * No offline queue and a timeout on every call: when Redis is out of reach a call fails at once
 * with `store_unavailable` (the limiter then waits; nothing is sent unmetered) while the client
 * reconnects in the background.
 */
export interface RedisStoreOptions {
  url: string;
  /** Where the URL came from, for messages: `--redis`, `CONVFORGE_REDIS_URL`, a setting's name. */
  source: string;
  /** Keys of one budget (a hash of the API key); never the key itself. */
  namespace: string;
  /** Per call. Default 2,000 ms: loopback answers in well under 1 ms, a loaded machine in up to ~0.5 s. */
  timeoutMs?: number;
  /** How long open() waits for a first connection before going on unconnected. Default 3,000 ms. */
  connectWaitMs?: number;
  /** Idle expiry of every key. Default one hour (must outlast a lease). */
  idleExpiryMs?: number;
}

const AUTH_FAILURE = /WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username/i;
const MAX_CAS_ATTEMPTS = 100;

/** What this store uses of the client: one narrow view instead of the client's generic type tower. */
interface Client {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: readonly string[], options: { timeout: number }): Promise<unknown>;
  on(event: 'error', listener: (e: Error) => void): unknown;
  close(): Promise<void>;
  destroy(): void;
}
type Reply = Array<string | number>;

/** The URL as it may be shown: the password replaced. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

export function validateRedisUrl(url: string, source: string): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url.trim());
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || !parsed.hostname) {
    throw new ForgeError(
      'store_config',
      `${source}: expected a redis://[user:password@]host[:port][/db] or rediss:// URL, got \`${redactRedisUrl(url)}\``,
    );
  }
  return parsed;
}

function timeOf(seconds: string | number, micros: string | number): number {
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

export class RedisStore implements LimiterStore {
  readonly scope = 'redis' as const;
  private readonly timeoutMs: number;
  private readonly idleExpiryMs: number;
  private lastError: string | undefined;

  private constructor(
    private readonly client: Client,
    private readonly options: RedisStoreOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.idleExpiryMs = options.idleExpiryMs ?? 3_600_000;
  }

  /**
   * Connects, or throws `store_config` for a malformed URL or refused credentials. Redis merely out
   * of reach is not an error here: the store opens and reports `store_unavailable` until it is back.
   */
  static async open(options: RedisStoreOptions): Promise<RedisStore> {
    validateRedisUrl(options.url, options.source);
    let authFailure: string | undefined;
    // Loaded here, not at the top: evaluating the client took ~60 ms of every CLI start and every
    // activation of the extension, and only runs that share limits through Redis need it.
    const { createClient } = await import('@redis/client');
    const client: Client = createClient({
      url: options.url.trim(),
      disableOfflineQueue: true,
      socket: {
        connectTimeout: options.timeoutMs ?? 2_000,
        reconnectStrategy: (retries: number, cause: Error) => {
          if (AUTH_FAILURE.test(cause?.message ?? '')) {
            authFailure = cause.message;
            return new Error(cause.message);
          }
          return Math.min(2_000, 50 * 2 ** Math.min(retries, 6));
        },
      },
    }) as unknown as Client;
    const store = new RedisStore(client, options);
    client.on('error', (e: Error) => {
      store.lastError = e.message;
    });
    const connected = client.connect().then(
      () => 'connected' as const,
      () => 'failed' as const,
    );
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waiting'>((resolve) => {
      timer = setTimeout(() => resolve('waiting'), options.connectWaitMs ?? 3_000);
    });
    const outcome = await Promise.race([connected, waited]);
    clearTimeout(timer);
    if (outcome === 'failed' || authFailure) {
      client.destroy();
      const why = authFailure ?? store.lastError ?? 'connection failed';
      throw new ForgeError(
        'store_config',
        `${options.source}: Redis at ${redactRedisUrl(options.url)} refused the connection: ${why}` +
          (AUTH_FAILURE.test(why) ? ' (check the user name and password in the URL)' : ''),
      );
    }
    return store;
  }

  private key(key: string): string {
    return `convforge:{${this.options.namespace}}:${key}`;
  }

  private async script(script: string, key: string, args: readonly string[]): Promise<Reply> {
    const call = (verb: 'EVALSHA' | 'EVAL', body: string) =>
      this.client.sendCommand([verb, body, '1', this.key(key), ...args], { timeout: this.timeoutMs }) as Promise<Reply>;
    try {
      try {
        return await call('EVALSHA', sha1(script));
      } catch (e) {
        if (!/NOSCRIPT/.test((e as Error)?.message ?? '')) throw e;
        return await call('EVAL', script);
      }
    } catch (e) {
      throw this.unavailable(e);
    }
  }

  private unavailable(e: unknown): ForgeError {
    const detail = e instanceof Error ? e.message : String(e);
    const last = this.lastError && this.lastError !== detail ? ` (${this.lastError})` : '';
    return new ForgeError('store_unavailable', `Redis at ${redactRedisUrl(this.options.url)} unreachable: ${detail}${last}`, { cause: e });
  }

  async read<T>(key: string): Promise<{ state: T | undefined; now: number }> {
    const [state, , s, us] = await this.script(READ_SCRIPT, key, []);
    return { state: state === '' ? undefined : (JSON.parse(String(state)) as T), now: timeOf(s!, us!) };
  }

  async update<T, R>(key: string, fn: UpdateFn<T, R>): Promise<R> {
    let [state, version, s, us] = await this.script(READ_SCRIPT, key, []);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = state === '' ? undefined : (JSON.parse(String(state)) as T);
      const next = fn(current, timeOf(s!, us!));
      if (next.unchanged === true && current !== undefined) return next.result;
      const reply = await this.script(CAS_SCRIPT, key, [String(version), JSON.stringify(next.state), String(this.idleExpiryMs)]);
      if (Number(reply[0]) === 1) return next.result;
      [, state, version, s, us] = reply;
    }
    throw new ForgeError('store_unavailable', `Redis: ${MAX_CAS_ATTEMPTS} writers in a row won the race for ${key}`);
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.sendCommand(['DEL', this.key(key)], { timeout: this.timeoutMs });
    } catch (e) {
      throw this.unavailable(e);
    }
  }

  async dispose(): Promise<void> {
    try {
      if (this.client.isOpen) await this.client.close();
      else this.client.destroy();
    } catch {
      this.client.destroy();
    }
  }
}
