import { DIMENSIONS, type Limits } from './types';
import { initialState, type Amounts, type ClassState, type PacingConfig } from './class-state';
import { addToBucket, dropLapsed, isLeaseBucket, type LeaseBucket } from './lease-buckets';

/**
 * What a store holds per model class: the buckets (ClassState, owned by the limiter's learning
 * logic) wrapped with what sharing needs. This wrapper is the state-shape change of shared limits:
 * ClassState itself is unchanged and sits under `cls`.
 *
 * - `seq`: the last permit id handed out; ids come from the state so an update has no side effect.
 * - `leases`: what admitted, unsettled permits hold in flight, per admitting process and deadline
 *   (lease-buckets.ts), so its size does not grow with the rate. Settling takes a permit's charge
 *   out of its bucket; a bucket past its deadline is dropped by whoever updates next, releasing its
 *   in-flight charge, so a process that died mid-request stops holding capacity.
 * - `peers`: process id -> when it last updated (store time), for "shared with N processes".
 * - `lags`: process id -> its event-loop lag (ms) while above the transit allowance; the largest
 *   is `cls.transitMs`, so every sharer's bucket covers the worst stall among them (loop-lag.ts).
 *   Optional, so states written without it still read.
 *
 * Bump STATE_SCHEMA whenever this shape or ClassState's changes incompatibly: it is part of every
 * store key, so an older extension and a newer CLI keep separate states instead of misreading.
 * 3: leases per process and deadline instead of one per permit.
 */
export const STATE_SCHEMA = 3;

/** A process is counted as sharing the budget while it updated the state this recently. */
export const PEER_SEEN_MS = 30_000;
/** A process renews its own entry at most this often, so a refused admit need not be written. */
const PEER_TOUCH_MS = 5_000;

export interface SharedClassState {
  schema: typeof STATE_SCHEMA;
  cls: ClassState;
  seq: number;
  leases: Record<string, LeaseBucket>;
  /** Earliest lease deadline, 0 when none: most updates skip the scan. */
  leaseCheckAt: number;
  peers: Record<string, number>;
  lags?: Record<string, number>;
}

export function freshShared(limits: Limits, now: number, cfg: PacingConfig, assumed = false): SharedClassState {
  return { schema: STATE_SCHEMA, cls: initialState(limits, now, cfg, assumed), seq: 0, leases: {}, leaseCheckAt: 0, peers: {} };
}

function isFiniteNumber(x: unknown): boolean {
  return typeof x === 'number' && Number.isFinite(x);
}

function isAmounts(x: unknown): boolean {
  if (!x || typeof x !== 'object') return false;
  return DIMENSIONS.every((d) => typeof (x as Record<string, unknown>)[d] === 'number');
}

/** A state read from a shared store is never trusted blindly: a foreign or damaged one is rebuilt. */
export function isSharedClassState(x: unknown): x is SharedClassState {
  if (!x || typeof x !== 'object') return false;
  const s = x as Partial<SharedClassState>;
  const cls = s.cls as Partial<ClassState> | undefined;
  return (
    s.schema === STATE_SCHEMA &&
    typeof s.seq === 'number' &&
    typeof s.leaseCheckAt === 'number' &&
    !!s.leases &&
    typeof s.leases === 'object' &&
    // Bounded by processes × granules, so checking each bucket stays cheap.
    Object.values(s.leases).every(isLeaseBucket) &&
    !!s.peers &&
    typeof s.peers === 'object' &&
    (s.lags === undefined || (!!s.lags && typeof s.lags === 'object' && Object.values(s.lags).every(isFiniteNumber))) &&
    (cls?.transitMs === undefined || isFiniteNumber(cls.transitMs)) &&
    !!cls &&
    typeof cls === 'object' &&
    typeof cls.refilledAt === 'number' &&
    typeof cls.pausedUntil === 'number' &&
    isAmounts(cls.levels) &&
    isAmounts(cls.inFlight) &&
    !!cls.limits &&
    typeof cls.limits.requestsPerMinute === 'number' &&
    !!cls.rings &&
    DIMENSIONS.every((d) => Array.isArray(cls.rings![d]?.slots)) &&
    !!cls.server &&
    typeof cls.server === 'object'
  );
}

/** Lags are kept in steps of this many ms, so one that wobbles does not rewrite the state. */
const LAG_STEP_MS = 25;

/**
 * Drops lease buckets past their deadline, notes that `owner` is alive and records its lag (ms
 * beyond the transit allowance, 0 when within it). Pure on `s`; true when it changed something
 * that must be written.
 */
export function housekeep(s: SharedClassState, now: number, owner: string, lagMs = 0): boolean {
  let changed = false;
  if (s.leaseCheckAt !== 0 && now >= s.leaseCheckAt) {
    changed = true;
    s.leaseCheckAt = dropLapsed(s.cls, s.leases, now);
  }
  let lagsChanged = false;
  const seen = s.peers[owner];
  if (seen === undefined || now - seen >= PEER_TOUCH_MS) {
    changed = true;
    s.peers[owner] = now;
    for (const p in s.peers) {
      if (now - s.peers[p]! <= PEER_SEEN_MS) continue;
      delete s.peers[p];
      if (s.lags?.[p] !== undefined) {
        delete s.lags[p];
        lagsChanged = true;
      }
    }
  }
  const lag = lagMs > 0 ? Math.ceil(lagMs / LAG_STEP_MS) * LAG_STEP_MS : 0;
  if ((s.lags?.[owner] ?? 0) !== lag) {
    if (lag > 0) (s.lags ??= {})[owner] = lag;
    else delete s.lags![owner];
    lagsChanged = true;
  }
  if (lagsChanged) {
    changed = true;
    let worst = 0;
    for (const p in s.lags) worst = Math.max(worst, s.lags[p]!);
    if (worst > 0) s.cls.transitMs = worst;
    else delete s.cls.transitMs;
  }
  return changed;
}

/** Counts an admitted permit in its owner's bucket for `deadline`; returns the bucket's key. */
export function addLease(s: SharedClassState, owner: string, deadline: number, charge: Amounts): string {
  const key = addToBucket(s.leases, owner, deadline, charge);
  if (s.leaseCheckAt === 0 || deadline < s.leaseCheckAt) s.leaseCheckAt = deadline;
  return key;
}

/** Processes that updated the state within PEER_SEEN_MS of `now`. */
export function peersSeen(s: SharedClassState, now: number): number {
  let n = 0;
  for (const p in s.peers) if (now - s.peers[p]! <= PEER_SEEN_MS) n++;
  return n;
}
