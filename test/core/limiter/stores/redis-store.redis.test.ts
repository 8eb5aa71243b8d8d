import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RedisStore, redactRedisUrl } from '../../../../src/core/limiter/stores/redis-store';
import { createRateLimiter } from '../../../../src/core/limiter/rate-limiter';
import { startRedisServer, type RedisServer } from '../../../support/redis-server';
import { runLeaseContract } from '../lease-contract';
import { runStoreContract } from '../store-contract';

let server: RedisServer;
let namespace = '';
before(async function () {
  this.timeout(30_000);
  server = await startRedisServer(this);
});
after(async () => {
  await server?.stop();
});

runStoreContract('RedisStore', {
  make: () => {
    namespace = randomBytes(6).toString('hex');
    return RedisStore.open({ url: server.url, source: '--redis', namespace });
  },
  peer: () => RedisStore.open({ url: server.url, source: '--redis', namespace }),
});

// Store time is the server's TIME: the lapse test waits for real, and the bounded-size test admits
// its 3,000 permits without letting time pass (they all fall in one or two deadline buckets).
runLeaseContract('RedisStore', async () => {
  const ns = randomBytes(6).toString('hex');
  const open = () => RedisStore.open({ url: server.url, source: '--redis', namespace: ns });
  return {
    store: await open(),
    peer: open,
    pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    manualTime: false,
  };
});

describe('RedisStore configuration and faults', () => {
  it('a malformed URL is a store_config error naming where it came from, password hidden', async () => {
    await assert.rejects(
      RedisStore.open({ url: 'http://user:hunter2@host', source: 'conversationForge.sharing.redisUrl', namespace: 'n' }),
      (e: Error & { kind?: string }) => {
        assert.equal(e.kind, 'store_config');
        assert.match(e.message, /^conversationForge\.sharing\.redisUrl: expected a redis:\/\/.* got `http:\/\/user:\*\*\*@host`/);
        return true;
      },
    );
    await assert.rejects(RedisStore.open({ url: 'redis://', source: '--redis', namespace: 'n' }), /--redis: expected a redis:\/\//);
  });

  it('hides the password when it shows a URL', () => {
    assert.equal(redactRedisUrl('redis://user:s3cret@h:6379/0'), 'redis://user:***@h:6379/0');
    assert.equal(redactRedisUrl('rediss://:s3cret@h'), 'rediss://:***@h');
  });

  it('keeps every key of one budget in one Cluster slot (hash tag) and renews an idle expiry', async () => {
    const ns = randomBytes(6).toString('hex');
    const store = await RedisStore.open({ url: server.url, source: '--redis', namespace: ns, idleExpiryMs: 60_000 });
    try {
      await store.update('limiter:v1:haiku', () => ({ state: { a: 1 }, result: undefined }));
      // The raw key carries the namespace in braces: Cluster hashes only that part.
      const { createClient } = await import('@redis/client');
      const raw = createClient({ url: server.url });
      await raw.connect();
      const keys = await raw.keys('convforge:*');
      assert.ok(keys.includes(`convforge:{${ns}}:limiter:v1:haiku`), keys.join(', '));
      const ttl = await raw.pTTL(`convforge:{${ns}}:limiter:v1:haiku`);
      assert.ok(ttl > 50_000 && ttl <= 60_000, `pttl ${ttl}`);
      await raw.close();
    } finally {
      await store.dispose();
    }
  });

  it('wrong password: a store_config error that says to check the credentials', async function () {
    this.timeout(30_000);
    const locked = await startRedisServer(this, ['--requirepass', 'right-one']);
    try {
      const url = `redis://:wrong-one@127.0.0.1:${locked.port}`;
      await assert.rejects(RedisStore.open({ url, source: 'CONVFORGE_REDIS_URL', namespace: 'n' }), (e: Error & { kind?: string }) => {
        assert.equal(e.kind, 'store_config');
        assert.match(e.message, /^CONVFORGE_REDIS_URL: .*WRONGPASS.*check the user name and password/);
        assert.doesNotMatch(e.message, /wrong-one/);
        return true;
      });
      const ok = await RedisStore.open({
        url: `redis://:right-one@127.0.0.1:${locked.port}`,
        source: 'CONVFORGE_REDIS_URL',
        namespace: 'n',
      });
      assert.equal((await ok.read('k')).state, undefined);
      await ok.dispose();
    } finally {
      await locked.stop();
    }
  });

  it('Redis stopped: admits wait (blockedBy store), settlements queue; restarted: both resume by themselves', async function () {
    this.timeout(60_000);
    const own = await startRedisServer(this);
    const store = await RedisStore.open({ url: own.url, source: '--redis', namespace: 'outage', timeoutMs: 300 });
    try {
      const limiter = createRateLimiter({
        clock: { now: () => Date.now(), setTimeout: (cb, ms) => ({ id: Number(setTimeout(cb, ms)) }), clearTimeout: () => undefined },
        limits: () => ({ requestsPerMinute: 600_000, inputTokensPerMinute: 1e9, outputTokensPerMinute: 1e9 }),
        outputAccounting: 'actual',
        store,
        storeRetryMs: 100,
      });
      const demand = { modelClass: 'haiku', inputTokens: 10, maxTokens: 10 };
      const first = await limiter.admit(demand);
      assert.ok(first.admitted);
      await own.stop();
      const refused = await limiter.admit(demand);
      assert.deepEqual(refused.admitted ? 'admitted' : refused.blockedBy, 'store');
      await limiter.settle(first.permit, { outcome: 'not_sent' }); // queued, not lost
      const snap = await limiter.snapshot('haiku');
      assert.equal(snap.sharing?.reachable, false);
      assert.match(snap.sharing?.problem ?? '', /unreachable/);
      await own.restart();
      const deadline = Date.now() + 30_000;
      let again = await limiter.admit(demand);
      while (!again.admitted && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        again = await limiter.admit(demand);
      }
      assert.ok(again.admitted, 'admits resume once Redis is back');
      assert.equal((await limiter.snapshot('haiku')).sharing?.reachable, true);
    } finally {
      await store.dispose();
      await own.stop();
    }
  });
});
