import { rateLimitedInputTokens, type Usage } from '../usage';
import { adjust, release, take, type Amounts, type ClassState } from './class-state';
import type { HeaderSource } from '../errors';
import { applyHeaders, applyRateLimited, exhausted, type CorrectionConfig } from './corrections';
import { parseRateLimitHeaders } from './headers';
import { explains, informative, markHeard } from './learning';
import { addLease, outstanding, takeLease, type SharedClassState } from './shared-state';
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
  addLease(s, id, { charge, issuedAt: now, deadline: now + ctx.leaseMs, owner: ctx.owner });
  const permit: Permit = {
    id,
    modelClass: demand.modelClass,
    inputTokens: charge.inputTokens,
    outputTokens: charge.outputTokens,
    issuedAt: now,
  };
  return { admitted: true, permit };
}

function reconcile(state: ClassState, permit: Permit, usage: Usage, now: number, cfg: CorrectionConfig): void {
  adjust(state, 'inputTokens', rateLimitedInputTokens(usage) - permit.inputTokens, permit.issuedAt, now, cfg);
  adjust(state, 'outputTokens', usage.outputTokens - permit.outputTokens, permit.issuedAt, now, cfg);
  state.outputMean =
    state.outputMean === undefined ? usage.outputTokens : state.outputMean + OUTPUT_MEAN_WEIGHT * (usage.outputTokens - state.outputMean);
}

/**
 * Reconciles a permit with how its request ended. Settling twice, or after the lease lapsed,
 * finds no lease and changes nothing: a retried settlement never refunds twice.
 */
export function settleOn(s: SharedClassState, permit: Permit, settlement: Settlement, now: number, cfg: CorrectionConfig): void {
  const lease = takeLease(s, permit.id);
  if (!lease) return;
  const state = s.cls;
  const charged = lease.charge;
  release(state, outstanding(lease));
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
}

/**
 * The response to `permit` has started and brought headers: the server has counted its request
 * and input, so they leave the in-flight charge now and the headers are applied (a guessed class
 * learns its limits here, before any answer). Once per lease, and only while it is out; true when
 * it changed the state.
 */
export function observeOn(s: SharedClassState, permit: Permit, headers: HeaderSource, now: number, cfg: CorrectionConfig): boolean {
  const lease = s.leases[permit.id];
  if (!lease || lease.heard) return false;
  const state = s.cls;
  release(state, { requests: lease.charge.requests, inputTokens: lease.charge.inputTokens, outputTokens: 0 });
  s.leases[permit.id] = { ...lease, heard: true };
  const info = parseRateLimitHeaders(headers, now);
  applyHeaders(state, info, now, cfg);
  if (informative(info)) markHeard(state, now);
  return true;
}
