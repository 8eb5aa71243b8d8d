import { failure, type ApiFailure } from './api-failure';
import { FAULT_KINDS, type FaultKind } from './fault-kinds';
import type { FaultScriptEntry, ResolvedFaults } from './options';
import type { Rng } from './rng';

/**
 * Decides, per messages request, which fault (if any) it meets. The script goes first, then the
 * rates in a fixed order, all drawn from the seeded RNG so a run replays exactly.
 */
export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'fail'; readonly failure: ApiFailure }
  | { readonly kind: 'reset' }
  | { readonly kind: 'midstream' }
  | { readonly kind: 'slow' };

export class FaultInjector {
  private script: { kind: FaultKind; left: number }[] = [];
  private stormUntil = 0;

  constructor(private readonly rng: Rng) {}

  setScript(entries: FaultScriptEntry[]): void {
    this.script = entries.map((e) => ({ kind: e.kind, left: e.count ?? 1 }));
  }

  /** Ends a storm in progress and forgets scripted faults. */
  clear(): void {
    this.script = [];
    this.stormUntil = 0;
  }

  get pendingScript(): number {
    return this.script.reduce((sum, e) => sum + e.left, 0);
  }

  private nextKind(rates: Record<FaultKind, number>): FaultKind | undefined {
    const head = this.script[0];
    if (head) {
      if (--head.left <= 0) this.script.shift();
      return head.kind;
    }
    for (const kind of FAULT_KINDS) {
      // always draw, so that changing one rate does not shift every later decision
      const draw = this.rng.next();
      if (rates[kind] > 0 && draw < rates[kind]) return kind;
    }
    return undefined;
  }

  decide(faults: ResolvedFaults, stream: boolean, now: number): FaultDecision {
    if (now < this.stormUntil) return { kind: 'fail', failure: storm(Math.ceil((this.stormUntil - now) / 1000)) };
    const kind = this.nextKind(faults.rates);
    switch (kind) {
      case undefined:
        return { kind: 'none' };
      case 'rate_limit_storm':
        this.stormUntil = now + faults.stormSeconds * 1000;
        return { kind: 'fail', failure: storm(Math.ceil(faults.stormSeconds)) };
      case 'overloaded':
        return { kind: 'fail', failure: overloaded() };
      case 'server_error':
        return { kind: 'fail', failure: failure(500, 'api_error', 'Internal server error') };
      case 'connection_reset':
        return { kind: 'reset' };
      case 'midstream_overload':
        return stream ? { kind: 'midstream' } : { kind: 'fail', failure: overloaded() };
      case 'spend_cap':
        return {
          kind: 'fail',
          failure: failure(
            429,
            'rate_limit_error',
            'You have reached your specified workspace API usage limits. You will regain access on the first day of next month.',
            { errorCode: 'enforced_spend_limit_reached' },
          ),
        };
      case 'ramp_limit':
        return {
          kind: 'fail',
          failure: failure(
            429,
            'rate_limit_error',
            'Your traffic increased too sharply. Please ramp up your request rate gradually and try again.',
            { errorCode: 'ramp_limit_exceeded', retryAfterSeconds: faults.rampRetryAfterSeconds },
          ),
        };
      case 'slow':
        return { kind: 'slow' };
    }
  }
}

export function overloaded(): ApiFailure {
  return failure(529, 'overloaded_error', 'Overloaded');
}

function storm(seconds: number): ApiFailure {
  return failure(
    429,
    'rate_limit_error',
    "This request would exceed your organization's rate limit. For details, refer to: https://docs.claude.com/en/api/rate-limits.",
    { retryAfterSeconds: Math.max(1, seconds) },
  );
}
