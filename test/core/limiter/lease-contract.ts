import assert from 'node:assert/strict';
import { bucketDeadline, LEASE_GRANULES, type LeaseBucket } from '../../../src/core/limiter/lease-buckets';
import { STATE_SCHEMA, type SharedClassState } from '../../../src/core/limiter/shared-state';
import type { LimiterStore } from '../../../src/core/limiter/store';
import type { Permit, RateLimiter } from '../../../src/core/limiter/types';
import { FakeClock } from '../../support/fake-clock';
import { demand, headers, limits, makeLimiter, permitOf, usage } from './helpers';

const KEY = `limiter:v${STATE_SCHEMA}:sonnet`;
const HIGH = limits(1e9, 1e12, 1e12);

export interface LeaseHarness {
  /** A fresh store; `peer` opens another view of the same state (another process's). */
  readonly store: LimiterStore;
  peer(): Promise<LimiterStore> | LimiterStore;
  /** Lets `ms` of store time pass. */
  pass(ms: number): Promise<void>;
  /** Store time is the test's to move (not Redis's TIME), so `pass` costs no real time. */
  readonly manualTime: boolean;
}

async function stateOf(store: LimiterStore): Promise<SharedClassState> {
  return (await store.read<SharedClassState>(KEY)).state!;
}

/** The buckets the permits should be counted in, by the rule of lease-buckets.ts. */
function expectedBuckets(permits: readonly Permit[], leaseMs: number): Map<number, Permit[]> {
  const byDeadline = new Map<number, Permit[]>();
  for (const p of permits) {
    const d = bucketDeadline(p.issuedAt, leaseMs);
    byDeadline.set(d, [...(byDeadline.get(d) ?? []), p]);
  }
  return byDeadline;
}

function sum(permits: readonly Permit[]): LeaseBucket['outstanding'] {
  return {
    requests: permits.length,
    inputTokens: permits.reduce((n, p) => n + p.inputTokens, 0),
    outputTokens: permits.reduce((n, p) => n + p.outputTokens, 0),
  };
}

/**
 * What the limiter's leases must do on every store (memory, local file, Redis): in-flight charge
 * kept per process and deadline, not per permit. Each store's test file runs it.
 */
export function runLeaseContract(
  name: string,
  open: () => Promise<LeaseHarness> | LeaseHarness,
  /** The store holds only what this process wrote (the memory store, applied in place): the limiter trusts it. */
  { inProcess = false }: { inProcess?: boolean } = {},
): void {
  describe(`limiter leases on ${name}`, () => {
    const opened: LimiterStore[] = [];
    let h: LeaseHarness;
    const limiterOn = (store: LimiterStore, leaseMs = 630_000): RateLimiter =>
      makeLimiter(HIGH, { clock: new FakeClock(0), store, leaseMs }).limiter;
    beforeEach(async () => {
      h = await open();
      opened.push(h.store);
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.dispose()));
    });

    it('counts many permits of one process in one bucket per deadline, with their summed charge', async () => {
      const limiter = limiterOn(h.store);
      const permits: Permit[] = [];
      for (let i = 1; i <= 40; i++) permits.push(permitOf(await limiter.admit(demand(i * 10, i))));
      const s = await stateOf(h.store);
      const expected = expectedBuckets(permits, 630_000);
      assert.equal(Object.keys(s.leases).length, expected.size, 'one bucket per deadline, not one lease per permit');
      for (const [deadline, ps] of expected) {
        const b = Object.values(s.leases).find((x) => x.deadline === deadline)!;
        assert.equal(b.count, ps.length);
        assert.deepEqual(b.outstanding, sum(ps));
      }
      assert.deepEqual(s.cls.inFlight, sum(permits));
    });

    it('a settlement takes out exactly its own permit’s charge; the last one removes the bucket', async () => {
      const limiter = limiterOn(h.store);
      const a = permitOf(await limiter.admit(demand(100, 10)));
      const b = permitOf(await limiter.admit(demand(200, 20)));
      await limiter.settle(a, { outcome: 'completed', usage: usage(100, 10) });
      const s = await stateOf(h.store);
      assert.deepEqual(s.cls.inFlight, sum([b]));
      assert.deepEqual(sumBuckets(s), sum([b]));
      assert.equal(
        Object.values(s.leases).reduce((n, x) => n + x.count, 0),
        1,
      );
      await limiter.settle(b, { outcome: 'completed', usage: usage(200, 20) });
      const after = await stateOf(h.store);
      assert.deepEqual(after.leases, {});
      assert.deepEqual(after.cls.inFlight, { requests: 0, inputTokens: 0, outputTokens: 0 });
    });

    it('heard, then settled: the headers move request and input out, the settlement only the output', async () => {
      const limiter = limiterOn(h.store);
      const a = permitOf(await limiter.admit(demand(100, 10)));
      const b = permitOf(await limiter.admit(demand(200, 20)));
      await limiter.observe!(a, headers({ 'anthropic-ratelimit-requests-limit': 1e9, 'anthropic-ratelimit-requests-remaining': 1e9 }));
      const heard = await stateOf(h.store);
      assert.deepEqual(heard.cls.inFlight, { requests: 1, inputTokens: 200, outputTokens: 30 });
      assert.deepEqual(sumBuckets(heard), heard.cls.inFlight);
      await limiter.settle(a, { outcome: 'completed', usage: usage(100, 10) });
      const settled = await stateOf(h.store);
      assert.deepEqual(settled.cls.inFlight, sum([b]), 'a’s request and input were not taken out twice');
      assert.deepEqual(sumBuckets(settled), sum([b]));
    });

    it('a lapsed bucket releases its outstanding sum; a later settlement of one of its permits refunds nothing', async () => {
      const leaseMs = 1_000;
      const dying = limiterOn(h.store, leaseMs);
      const other = limiterOn(await peer(), leaseMs);
      const a = permitOf(await dying.admit(demand(100, 10)));
      permitOf(await dying.admit(demand(200, 20)));
      await h.pass(leaseMs + leaseMs / LEASE_GRANULES + 50);
      const c = permitOf(await other.admit(demand(7, 3)));
      const lapsed = await stateOf(h.store);
      assert.deepEqual(lapsed.cls.inFlight, sum([c]), 'only the newer permit is in flight');
      assert.deepEqual(
        Object.values(lapsed.leases).map((x) => [x.deadline, x.count]),
        [[bucketDeadline(c.issuedAt, leaseMs), 1]],
        'the lapsed bucket is gone',
      );
      await dying.settle(a, { outcome: 'not_sent' });
      const after = await stateOf(h.store);
      assert.deepEqual(after.cls.inFlight, lapsed.cls.inFlight);
      assert.deepEqual(after.leases, lapsed.leases);
      assert.deepEqual(after.cls.rings, lapsed.cls.rings, 'nothing refunded');
    });

    if (!inProcess)
      it('a state holding per-permit leases (the schema before) under this key is set aside and rebuilt', async () => {
        const limiter = limiterOn(h.store);
        permitOf(await limiter.admit(demand()));
        const s = await stateOf(h.store);
        const old = { ...s, seq: 9, leases: { '9': { charge: sum([]), issuedAt: 0, deadline: 1, owner: 'x' } } };
        await h.store.update(KEY, () => ({ state: old, result: undefined }));
        const p = permitOf(await limiter.admit(demand(5, 5)));
        const rebuilt = await stateOf(h.store);
        assert.equal(p.id, 1, 'ids start again in the rebuilt state');
        assert.deepEqual(sumBuckets(rebuilt), sum([p]));
      });

    it('keeps its size bounded by processes × granules with thousands of permits in flight', async function () {
      this.timeout(60_000);
      const a = limiterOn(h.store);
      const b = limiterOn(await peer());
      for (let i = 0; i < 3_000; i++) {
        permitOf(await (i % 2 ? a : b).admit(demand(1_000, 500)));
        // 3,000 admits over 600 s, all within one 630 s lease (on the server's time, as fast as it goes).
        if (h.manualTime) await h.pass(200);
      }
      const s = await stateOf(h.store);
      assert.equal(s.cls.inFlight.requests, 3_000);
      assert.ok(Object.keys(s.leases).length <= 2 * (LEASE_GRANULES + 1), `${Object.keys(s.leases).length} buckets`);
      // One lease per permit took ~100 bytes each: 300 KB here.
      const size = JSON.stringify(s).length;
      assert.ok(size < 10_000, `state ${size} bytes with 3,000 in flight`);
    });

    async function peer(): Promise<LimiterStore> {
      const s = await h.peer();
      if (s !== h.store) opened.push(s);
      return s;
    }
  });
}

function sumBuckets(s: SharedClassState): LeaseBucket['outstanding'] {
  const total = { requests: 0, inputTokens: 0, outputTokens: 0 };
  for (const b of Object.values(s.leases))
    for (const d of ['requests', 'inputTokens', 'outputTokens'] as const) total[d] += b.outstanding[d];
  return total;
}
