import { rateLimitedInputTokens, type Usage } from '../usage';
import { adjust, take, type Amounts, type ClassState } from './class-state';
import type { HeaderSource } from '../errors';
import { applyHeaders, applyRateLimited, exhausted, type CorrectionConfig } from './corrections';
import { parseRateLimitHeaders } from './headers';
import { explains, informative, markHeard } from './learning';
import { bucketDeadline, bucketKey, outstanding, releaseFrom } from './lease-buckets';
import { chargeOf, type LeaseRef } from './held-permits';
import { addLease, type SharedClassState } from './shared-state';
import { relax } from './throttle';
import type { AdmitDecision, Demand, OutputAccounting, Permit, Settlement } from './types';

/**
 * The limiter's two decisions as pure functions of (state, now): what a store's update runs, here
 * or inside another process's retry. They mutate only `s` and read only their arguments.
 */

/** Weight of the newest response in the learned mean output (for 'actual' accounting). */
const OUTPUT_MEAN_WEIGHT = 0.2;

export interface AdmitContext {
  readonly cfg: CorrectionConfig;
  readonly accounting: OutputAccounting;
  /** This process, for the lease (and the peer count). */
  readonly owner: string;
  /** How long a lease holds its permit's in-flight charge if never settled. */
  readonly leaseMs: number;
  /** The configured transit allowance (ms): a measured lag counts only above it. */
  readonly transitMs: number;
  /** This process's recent event-loop lag (ms), when measured. */
  readonly loopLagMs?: () => number;
}

/** This process's lag when it exceeds the configured transit allowance, else 0 (housekeep records it). */
export function lagBeyondAllowance(ctx: AdmitContext): number {
  const lag = ctx.loopLagMs?.() ?? 0;
  return lag > ctx.transitMs ? lag : 0;
}

function outputCharge(state: ClassState, demand: Demand, accounting: OutputAccounting): number {
  if (accounting === 'reserve') return demand.maxTokens;
  return Math.min(demand.maxTokens, demand.expectedOutputTokens ?? state.outputMean ?? demand.maxTokens);
}

/** Call after refill. A guessed class whose probe is out is refused here (class-state take, learning.ts). */
export function admitOn(s: SharedClassState, demand: Demand, now: number, ctx: AdmitContext): AdmitDecision {
  const charge: Amounts = {
    requests: 1,
    inputTokens: demand.inputTokens,
    outputTokens: outputCharge(s.cls, demand, ctx.accounting),
  };
  const taken = take(s.cls, charge, now, ctx.cfg);
  if (!taken.ok) return { admitted: false, waitMs: taken.waitMs, blockedBy: taken.blockedBy };
  const id = ++s.seq;
  addLease(s, ctx.owner, bucketDeadline(now, ctx.leaseMs), charge);
  const permit: Permit = {
    id,
    modelClass: demand.modelClass,
    inputTokens: charge.inputTokens,
    outputTokens: charge.outputTokens,
    issuedAt: now,
  };
  return { admitted: true, permit };
}

/** The key of the lease bucket admitOn counted `permit` in. */
export function bucketOf(permit: Permit, ctx: AdmitContext): string {
  return bucketKey(ctx.owner, bucketDeadline(permit.issuedAt, ctx.leaseMs));
}

function reconcile(state: ClassState, permit: Permit, usage: Usage, now: number, cfg: CorrectionConfig): void {
  adjust(state, 'inputTokens', rateLimitedInputTokens(usage) - permit.inputTokens, permit.issuedAt, now, cfg);
  adjust(state, 'outputTokens', usage.outputTokens - permit.outputTokens, permit.issuedAt, now, cfg);
  state.outputMean =
    state.outputMean === undefined ? usage.outputTokens : state.outputMean + OUTPUT_MEAN_WEIGHT * (usage.outputTokens - state.outputMean);
}

/**
 * Reconciles a permit with how its request ended; false when its lease is gone. A lapsed bucket is
 * gone and a settlement numbered at or below its last one was applied already (a retry): either
 * way nothing changes, so a retried settlement never refunds twice.
 */
export function settleOn(
  s: SharedClassState,
  permit: Permit,
  lease: LeaseRef,
  settlement: Settlement,
  now: number,
  cfg: CorrectionConfig,
): boolean {
  const bucket = s.leases[lease.bucket];
  if (!bucket || bucket.settledOp >= lease.op) return false;
  const state = s.cls;
  const charged = chargeOf(permit);
  releaseFrom(state, bucket, outstanding(charged, lease.heard));
  bucket.settledOp = lease.op;
  if (--bucket.count <= 0) {
    // Its last permit: what float sums leave over is no longer in flight either.
    releaseFrom(state, bucket, bucket.outstanding);
    delete s.leases[lease.bucket];
  }
  // Headers read at stream start were this response's: applying them again now would compare a
  // stale `remaining` with what has been sent since.
  const info = !lease.heard && 'headers' in settlement && settlement.headers ? parseRateLimitHeaders(settlement.headers, now) : undefined;
  // Only a 429 compares the limits before and after its headers: no copy on the common path.
  const limitsBefore = settlement.outcome === 'rate_limited' ? { ...state.limits } : undefined;
  switch (settlement.outcome) {
    case 'completed':
      reconcile(state, permit, settlement.usage, now, cfg);
      // An answer came back: the server has spoken, and it proves room at the current rate.
      markHeard(state, now);
      state.throttle = relax(state.throttle, permit.issuedAt);
      break;
    case 'failed':
      // It reached the server, so the request stays charged: whether a server error counts
      // against RPM is not documented, and keeping it costs at most the fault rate.
      if (settlement.usage) reconcile(state, permit, settlement.usage, now, cfg);
      else {
        // Output we cannot know; the headers will say if it mattered.
        adjust(state, 'outputTokens', -permit.outputTokens, permit.issuedAt, now, cfg);
        // A 5xx/529 status came back instead of an answer: the model did not run, so no input
        // was processed (the simulator charges such faults nothing). A connection error or a
        // stream that failed midway may have run the model: its input estimate stands.
        if (settlement.rejected) adjust(state, 'inputTokens', -permit.inputTokens, permit.issuedAt, now, cfg);
      }
      break;
    case 'rate_limited':
      // The server rejected it before generating anything: only the request stands.
      adjust(state, 'inputTokens', -permit.inputTokens, permit.issuedAt, now, cfg);
      adjust(state, 'outputTokens', -permit.outputTokens, permit.issuedAt, now, cfg);
      break;
    case 'not_sent':
      adjust(state, 'requests', -1, permit.issuedAt, now, cfg);
      adjust(state, 'inputTokens', -permit.inputTokens, permit.issuedAt, now, cfg);
      adjust(state, 'outputTokens', -permit.outputTokens, permit.issuedAt, now, cfg);
      break;
  }
  if (info) applyHeaders(state, info, now, cfg);
  if (informative(info)) markHeard(state, now);
  if (settlement.outcome === 'rate_limited') {
    const explained = explains(info, limitsBefore!, exhausted(info, charged).length > 0);
    applyRateLimited(state, info, settlement.retryAfterMs, charged, now, cfg, explained);
  }
  return true;
}

/**
 * The response to `permit` has started and brought headers: the server has counted its request
 * and input, so they leave the in-flight charge now and the headers are applied (a guessed class
 * learns its limits here, before any answer). Once per permit (the admitting process sees to it,
 * held-permits.ts), and only while its bucket is out; true when it changed the state.
 */
export function observeOn(
  s: SharedClassState,
  permit: Permit,
  bucketKey: string,
  headers: HeaderSource,
  now: number,
  cfg: CorrectionConfig,
): boolean {
  const bucket = s.leases[bucketKey];
  if (!bucket) return false;
  const state = s.cls;
  releaseFrom(state, bucket, { requests: 1, inputTokens: permit.inputTokens, outputTokens: 0 });
  const info = parseRateLimitHeaders(headers, now);
  applyHeaders(state, info, now, cfg);
  if (informative(info)) markHeard(state, now);
  return true;
}
