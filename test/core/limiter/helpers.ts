import type { HeaderSource } from '../../../src/core/errors';
import { createRateLimiter, type RateLimiterOptions } from '../../../src/core/limiter/rate-limiter';
import type { AdmitDecision, Demand, Limits, Permit, RateLimiter } from '../../../src/core/limiter/types';
import type { Usage } from '../../../src/core/usage';
import { FakeClock } from '../../support/fake-clock';

export const BIG = 1e12;

export function limits(rpm: number, itpm = BIG, otpm = BIG): Limits {
  return { requestsPerMinute: rpm, inputTokensPerMinute: itpm, outputTokensPerMinute: otpm };
}

/** A limiter with no safety margin and no transit allowance, so boundaries fall on round numbers. */
export function makeLimiter(l: Limits, extra: Partial<RateLimiterOptions> = {}): { clock: FakeClock; limiter: RateLimiter } {
  const clock = (extra.clock as FakeClock | undefined) ?? new FakeClock(0);
  const limiter = createRateLimiter({
    clock,
    limits: () => l,
    outputAccounting: 'actual',
    safetyMargin: 1,
    transitAllowanceMs: 0,
    ...extra,
  });
  return { clock, limiter };
}

export function demand(inputTokens = 0, maxTokens = 1, extra: Partial<Demand> = {}): Demand {
  return { modelClass: 'sonnet', inputTokens, maxTokens, ...extra };
}

export function usage(inputTokens: number, outputTokens: number, cache: Partial<Usage> = {}): Usage {
  return { inputTokens, outputTokens, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, ...cache };
}

export function headers(values: Record<string, string | number>): HeaderSource {
  const map = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return { get: (name: string) => map.get(name.toLowerCase()) ?? null };
}

export function permitOf(decision: AdmitDecision): Permit {
  if (!decision.admitted) throw new Error(`expected admission, got wait ${decision.waitMs} (${decision.blockedBy})`);
  return decision.permit;
}

export function waitOf(decision: AdmitDecision): { waitMs: number; blockedBy: string } {
  if (decision.admitted) throw new Error('expected a refusal, got a permit');
  return { waitMs: decision.waitMs, blockedBy: decision.blockedBy };
}

/** Admits as fast as permitted until `untilMs`, settling each at once; returns admission times. */
export async function dispatchUntil(
  clock: FakeClock,
  limiter: RateLimiter,
  untilMs: number,
  d: Demand = demand(),
  onAdmit?: (p: Permit) => Promise<void>,
): Promise<number[]> {
  const times: number[] = [];
  while (clock.now() < untilMs) {
    const decision = await limiter.admit(d);
    if (decision.admitted) {
      times.push(clock.now());
      if (onAdmit) await onAdmit(decision.permit);
      continue;
    }
    if (decision.waitMs <= 0) throw new Error('waitMs must be positive when not admitted');
    await clock.advance(decision.waitMs);
  }
  return times;
}
