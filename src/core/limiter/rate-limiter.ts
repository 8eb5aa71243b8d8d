import { ForgeError, classify, type HeaderSource } from '../errors';
import type { AdmitDecision, Demand, Limits, LimiterSnapshot, Permit, RateLimiter, Settlement, SharingStatus } from './types';
import { refill } from './class-state';
import { freshShared, housekeep, isSharedClassState, peersSeen, STATE_SCHEMA, type SharedClassState } from './shared-state';
import { snapshotOf } from './snapshot';
import { isSyncStore } from './store';
import { admitOn, bucketOf, lagBeyondAllowance, observeOn, settleOn } from './transitions';
import { HeldPermits } from './held-permits';
import { applyQueued, UpdateQueue, type QueuedUpdate } from './queued-updates';
import { expectNonEmptyString, unexpected } from '../validate';
import { resolveLimiterOptions, validateDemand, validateLimits, type RateLimiterOptions } from './rate-limiter-options';

export { validateLimits, type RateLimiterOptions };

function isStoreOutage(e: unknown): boolean {
  return e instanceof ForgeError && e.kind === 'store_unavailable';
}

/**
 * Paced token buckets per model class × {requests, input tokens, output tokens}, kept in a
 * LimiterStore, corrected by response headers and by 429s. See src/core/limiter/types.ts.
 *
 * Every operation is one store update running a pure transition (transitions.ts) on the state and
 * the store's time. The memory store applies it in place, synchronously; shared stores add their
 * round trips; there settlements and observes are queued and ride along with the next update of
 * their class (queued-updates.ts). While a shared store is out of reach, admits are refused with
 * `blockedBy: 'store'` (the run waits, nothing is sent unmetered) and settlements stay queued,
 * idempotent by lease, to be applied once it is back.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { clock, store, cfg, ctx, storeRetryMs } = resolveLimiterOptions(options);
  const assumed = options.limitsAssumed ?? (() => false);
  const sync = isSyncStore(store) ? store : undefined;
  const keyOf = (modelClass: string) => `${options.keyPrefix ?? 'limiter:'}v${STATE_SCHEMA}:${modelClass}`;
  const configured = new Map<string, Limits>();
  /** Settlements and observes on their way to a shared store, in order. */
  const queued = new UpdateQueue(async () => {
    await queued.carry(() => flushQueued());
  });
  const held = new HeldPermits();
  let outage: { since: number; problem: string } | undefined;
  const lastSnapshots = new Map<string, LimiterSnapshot>();

  // Configured limits are validated outside the update: it must stay pure and cheap.
  function limitsFor(modelClass: string): Limits {
    let l = configured.get(modelClass);
    if (!l) {
      l = validateLimits(options.limits(modelClass));
      configured.set(modelClass, l);
    }
    return l;
  }

  /** The in-memory path: the class's state brought up to `now`, then `fn` applied in place. */
  function inPlace<R>(store: NonNullable<typeof sync>, modelClass: string, fn: (s: SharedClassState, now: number) => R): R {
    return store.mutate(keyOf(modelClass), (current: SharedClassState | undefined, now) => {
      const s = current ?? firstState(modelClass, now);
      housekeep(s, now, ctx.owner, lagBeyondAllowance(ctx));
      refill(s.cls, now, cfg);
      return { state: s, result: fn(s, now) };
    });
  }

  /** A class's first state: its configured limits, probing first when they are a guess. */
  function firstState(modelClass: string, now: number): SharedClassState {
    return freshShared(limitsFor(modelClass), now, cfg, assumed(modelClass));
  }

  /**
   * One store update: `fn` runs on the class's refilled state at the store's time and says whether
   * it changed anything worth writing (a refused admit does not).
   */
  function step<R>(
    modelClass: string,
    fn: (s: SharedClassState, now: number) => R,
    changes: (r: R) => boolean = () => true,
  ): R | Promise<R> {
    const limits = limitsFor(modelClass);
    const guess = assumed(modelClass);
    const body = (current: SharedClassState | undefined, now: number) => {
      const fresh = current === undefined || !isSharedClassState(current);
      const s = fresh ? freshShared(limits, now, cfg, guess) : current;
      const kept = housekeep(s, now, ctx.owner, lagBeyondAllowance(ctx));
      refill(s.cls, now, cfg);
      const result = fn(s, now);
      return { state: s, result, unchanged: !fresh && !kept && !changes(result) };
    };
    return sync ? sync.mutate(keyOf(modelClass), body) : store.update(keyOf(modelClass), body);
  }

  function noteOutage(e: unknown): void {
    outage ??= { since: clock.now(), problem: classify(e).message };
  }

  function admitted(decision: AdmitDecision): AdmitDecision {
    if (decision.admitted) held.hold(decision.permit, bucketOf(decision.permit, ctx));
    return decision;
  }

  /**
   * One update of `modelClass` carrying `taken`: false (they are put back) while the store is out
   * of reach. When one of them throws, nothing was written: they land one by one, so only the one
   * at fault fails its caller.
   */
  async function land(modelClass: string, taken: QueuedUpdate[]): Promise<boolean> {
    try {
      const outcomes = await step(
        modelClass,
        (s, now) => applyQueued(taken, s, now),
        (o) => o.changed,
      );
      queued.landed(taken, outcomes);
      outage = undefined;
      return true;
    } catch (e) {
      if (isStoreOutage(e)) {
        noteOutage(e);
        queued.putBack(taken);
        return false;
      }
      if (taken.length === 1) {
        queued.failed(taken, e);
        return true;
      }
      for (let i = 0; i < taken.length; i++) {
        if (!(await land(modelClass, [taken[i]!]))) {
          queued.putBack(taken.slice(i + 1));
          return false;
        }
      }
      return true;
    }
  }

  /** Lands what is queued, class by class (but `except`'s, which its admit carries); false while the store is out of reach. */
  async function flushQueued(except?: string): Promise<boolean> {
    for (const modelClass of queued.classes()) {
      if (modelClass !== except && !(await land(modelClass, queued.take(modelClass)))) return false;
    }
    return true;
  }

  /**
   * Admits on a shared store, in order, carrying the class's queued settlements and observes in
   * the same update; stops at the first refusal, which ends the list.
   */
  async function admitCarrying(demands: readonly Demand[]): Promise<AdmitDecision[]> {
    const modelClass = demands[0]!.modelClass;
    const refused: AdmitDecision[] = [{ admitted: false, waitMs: storeRetryMs, blockedBy: 'store' }];
    // Queued settlements of other classes land first, as they always did before an admit.
    if (!(await flushQueued(modelClass))) return refused;
    const taken = queued.take(modelClass);
    try {
      const { outcomes, decisions } = await step(
        modelClass,
        (s, now) => ({ outcomes: applyQueued(taken, s, now), decisions: admitInOrder(s, demands, now) }),
        (r) => r.outcomes.changed || r.decisions[0]!.admitted,
      );
      queued.landed(taken, outcomes);
      outage = undefined;
      return decisions.map(admitted);
    } catch (e) {
      if (isStoreOutage(e)) {
        noteOutage(e);
        queued.putBack(taken);
        return refused;
      }
      if (taken.length === 0) throw e;
      // Nothing was written: what was queued lands on its own (one at fault fails its caller), then the admits alone.
      if (!(await land(modelClass, taken))) return refused;
      return admitCarrying(demands);
    }
  }

  /** admitOn for each demand until one is refused: pure on `s`, as every update body. */
  function admitInOrder(s: SharedClassState, demands: readonly Demand[], now: number): AdmitDecision[] {
    const decisions: AdmitDecision[] = [];
    for (const demand of demands) {
      const decision = admitOn(s, demand, now, ctx);
      decisions.push(decision);
      if (!decision.admitted) break;
    }
    return decisions;
  }

  function sharing(s: SharedClassState | undefined, now: number): SharingStatus | undefined {
    if (store.scope === 'process') return undefined;
    return {
      scope: store.scope,
      processes: s ? Math.max(1, peersSeen(s, now)) : 1,
      reachable: outage === undefined,
      ...(outage ? { unreachableSince: outage.since, problem: outage.problem } : {}),
    };
  }

  async function admitMany(demands: readonly Demand[]): Promise<AdmitDecision[]> {
    if (demands.length === 0) throw unexpected('the demands of admitMany', 'at least one', 'there were none');
    for (const demand of demands) {
      validateDemand(demand);
      const first = demands[0]!.modelClass;
      if (demand.modelClass !== first)
        throw unexpected('the demands of admitMany', `of one model class (\`${first}\`)`, `one is \`${demand.modelClass}\``);
    }
    return queued.carry(() => admitCarrying(demands));
  }

  const limiter: RateLimiter = {
    async admit(demand: Demand): Promise<AdmitDecision> {
      validateDemand(demand);
      if (sync) return admitted(inPlace(sync, demand.modelClass, (s, now) => admitOn(s, demand, now, ctx)));
      return (await queued.carry(() => admitCarrying([demand])))[0]!;
    },

    async settle(permit: Permit, settlement: Settlement): Promise<void> {
      // Once per permit, by the limiter that admitted it: a second settlement refunds nothing.
      const claim = held.claim(permit);
      if (!claim) return;
      if (sync) {
        const lease = claim.number();
        inPlace(sync, permit.modelClass, (s, now) => settleOn(s, permit, lease, settlement, now, cfg));
        return;
      }
      // An observe under way decides what the permit still holds in flight.
      if (claim.observing) await claim.observing;
      // Numbered as queued: the queue keeps their order (their numbers rely on it), a later one never overtakes one still queued.
      const lease = claim.number();
      await queued.add(permit.modelClass, (s, now) => settleOn(s, permit, lease, settlement, now, cfg), true);
    },

    async observe(permit: Permit, headers: HeaderSource): Promise<void> {
      // At most once per permit, while it is out; the process remembers it was heard.
      const bucket = held.observable(permit);
      if (bucket === undefined) return;
      if (sync) {
        if (inPlace(sync, permit.modelClass, (s, now) => observeOn(s, permit, bucket, headers, now, cfg))) held.heard(permit);
        return;
      }
      // Out of reach, it is dropped: the permit stays unheard, so the settlement applies these headers later.
      await held.observing(permit, () => queued.add(permit.modelClass, (s, now) => observeOn(s, permit, bucket, headers, now, cfg), false));
    },

    async snapshot(modelClass: string): Promise<LimiterSnapshot> {
      expectNonEmptyString('modelClass', modelClass);
      try {
        const { state, now } = await store.read<SharedClassState>(keyOf(modelClass));
        const s = state !== undefined && isSharedClassState(state) ? state : firstState(modelClass, now);
        refill(s.cls, now, cfg);
        const share = sharing(state, now);
        const snap = { ...snapshotOf(modelClass, s.cls, now), ...(share ? { sharing: share } : {}) };
        lastSnapshots.set(modelClass, snap);
        return snap;
      } catch (e) {
        if (!isStoreOutage(e)) throw e;
        noteOutage(e);
        // The last thing known, marked out of reach: the view says the run waits, and why.
        const last = lastSnapshots.get(modelClass) ?? snapshotOf(modelClass, firstState(modelClass, clock.now()).cls, clock.now());
        return { ...last, sharing: sharing(undefined, clock.now())! };
      }
    },

    async setLimits(modelClass: string, limits: Limits): Promise<void> {
      expectNonEmptyString('modelClass', modelClass);
      const valid = validateLimits(limits);
      configured.set(modelClass, valid);
      try {
        await step(modelClass, (s, now) => {
          s.cls.limits = { ...valid };
          // Refill already ran at the old rate up to now; only the capacity needs clamping.
          refill(s.cls, now, cfg);
        });
      } catch (e) {
        // Out of reach: the new limits take effect for a rebuilt state and the headers correct the rest.
        if (!isStoreOutage(e)) throw e;
        noteOutage(e);
      }
    },
  };
  // Only where an update costs a round trip (a lock and a file, or Redis): in memory a batch saves nothing.
  return sync ? limiter : { ...limiter, admitMany };
}
