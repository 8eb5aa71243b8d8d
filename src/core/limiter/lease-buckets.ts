import { DIMENSIONS } from './types';
import { release, type Amounts, type ClassState } from './class-state';

/**
 * The shared state's record of what is in flight: not one lease per permit but one bucket per
 * admitting process and deadline, holding how many of its permits are out and their summed
 * outstanding charge. The state's size is then bounded by processes × buckets, whatever the rate:
 * at 60,000 RPM with long generations one lease per request meant ~1,400 leases read, parsed and
 * rewritten by every update, which made the updates slow, which kept more requests in flight.
 *
 * What tells one permit from another (its own charge, which bucket holds it, whether its headers
 * were heard) stays in the admitting process (held-permits.ts): only that process settles it.
 */
export interface LeaseBucket {
  /** The admitting process (AdmitContext.owner). */
  readonly owner: string;
  /** Its permits' deadlines rounded up to the bucket granularity: then it lapses whole. */
  readonly deadline: number;
  /** Permits admitted into it and not yet settled. */
  count: number;
  /** Their summed charge still in flight (a heard permit's request and input have left it). */
  outstanding: Amounts;
  /**
   * The owner's number of the last settlement applied here. A process applies its settlements one
   * at a time in order (rate-limiter.ts), so one numbered at or below this was already applied: a
   * settlement retried after a write whose reply was lost (a Redis timeout) refunds nothing twice.
   */
  settledOp: number;
}

/**
 * How finely deadlines are rounded up, as a share of the lease. A bucket exists per process and
 * granule with permits out, so a process holds at most LEASE_GRANULES + 1 buckets (17 for the
 * default 630 s lease), while a dead process's charge lapses at most one granule (~6 %, 39 s of
 * the default) after its lease would have. The lease is a safety net for a process that died or
 * lost a settlement, not a pacing input, so being that much late costs nothing in normal runs; a
 * finer grain (1 s) would keep up to 630 buckets per process under a steady rate and lose most of
 * the gain. It also means a lapse scan (leaseCheckAt) happens at most once per granule.
 */
export const LEASE_GRANULES = 16;

/** The deadline of a permit issued at `issuedAt`: its lease's end rounded up to a granule. */
export function bucketDeadline(issuedAt: number, leaseMs: number): number {
  const granule = Math.max(1, leaseMs / LEASE_GRANULES);
  return Math.ceil((issuedAt + leaseMs) / granule) * granule;
}

export function bucketKey(owner: string, deadline: number): string {
  return `${owner}@${deadline}`;
}

/** What a permit still holds in flight: all of its charge, or only its output once heard. */
export function outstanding(charge: Amounts, heard: boolean): Amounts {
  return heard ? { requests: 0, inputTokens: 0, outputTokens: charge.outputTokens } : charge;
}

export function isLeaseBucket(x: unknown): x is LeaseBucket {
  if (!x || typeof x !== 'object') return false;
  const b = x as Partial<LeaseBucket>;
  const out = b.outstanding as Record<string, unknown> | undefined;
  return (
    typeof b.owner === 'string' &&
    typeof b.deadline === 'number' &&
    typeof b.count === 'number' &&
    typeof b.settledOp === 'number' &&
    !!out &&
    typeof out === 'object' &&
    DIMENSIONS.every((d) => typeof out[d] === 'number')
  );
}

/** Counts a newly admitted permit's charge in its bucket; returns the bucket's key. */
export function addToBucket(buckets: Record<string, LeaseBucket>, owner: string, deadline: number, charge: Amounts): string {
  const key = bucketKey(owner, deadline);
  const b = buckets[key];
  if (!b) buckets[key] = { owner, deadline, count: 1, outstanding: { ...charge }, settledOp: 0 };
  else {
    b.count++;
    for (const d of DIMENSIONS) b.outstanding[d] += charge[d];
  }
  return key;
}

/** Moves `amounts` of a bucket's outstanding charge out of flight (never below zero). */
export function releaseFrom(cls: ClassState, bucket: LeaseBucket, amounts: Amounts): void {
  const taken = { requests: 0, inputTokens: 0, outputTokens: 0 };
  for (const d of DIMENSIONS) {
    taken[d] = Math.min(amounts[d], bucket.outstanding[d]);
    bucket.outstanding[d] -= taken[d];
  }
  release(cls, taken);
}

/**
 * Drops buckets past their deadline, releasing their outstanding charge (it stays spent: the
 * requests probably reached the server, but they are no longer in flight). Returns the earliest
 * deadline left, 0 when none.
 */
export function dropLapsed(cls: ClassState, buckets: Record<string, LeaseBucket>, now: number): number {
  let next = 0;
  for (const key in buckets) {
    const b = buckets[key]!;
    if (b.deadline <= now) {
      release(cls, b.outstanding);
      delete buckets[key];
    } else if (next === 0 || b.deadline < next) next = b.deadline;
  }
  return next;
}
