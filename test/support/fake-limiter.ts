import type { Clock } from '../../src/core/clock';
import { healthOf } from '../../src/core/limiter/health';
import {
  type AdmitDecision,
  type Demand,
  type Limits,
  type LimiterSnapshot,
  type Permit,
  type RateLimiter,
  type Settlement,
} from '../../src/core/limiter/types';

/**
 * A scriptable RateLimiter for processor tests. By default it admits everything; `blockUntil`
 * refuses until a clock time, `decide` overrides per demand, and every call is recorded.
 */
export class FakeLimiter implements RateLimiter {
  readonly admits: Demand[] = [];
  readonly settlements: { permit: Permit; settlement: Settlement }[] = [];
  blockedUntil = 0;
  utilization = 0;
  pausedUntil?: number;
  decide?: (demand: Demand) => AdmitDecision | undefined;
  private nextId = 1;
  private limits: Limits = { requestsPerMinute: 1000, inputTokensPerMinute: 2_000_000, outputTokensPerMinute: 400_000 };

  constructor(private readonly clock: Clock) {}

  async admit(demand: Demand): Promise<AdmitDecision> {
    this.admits.push(demand);
    const scripted = this.decide?.(demand);
    if (scripted) return scripted;
    const now = this.clock.now();
    if (now < this.blockedUntil) return { admitted: false, waitMs: this.blockedUntil - now, blockedBy: 'requests' };
    const permit: Permit = {
      id: this.nextId++,
      modelClass: demand.modelClass,
      inputTokens: demand.inputTokens,
      outputTokens: demand.maxTokens,
      issuedAt: now,
    };
    return { admitted: true, permit };
  }

  async settle(permit: Permit, settlement: Settlement): Promise<void> {
    this.settlements.push({ permit, settlement });
  }

  async snapshot(modelClass: string): Promise<LimiterSnapshot> {
    const paused = this.pausedUntil !== undefined && this.pausedUntil > this.clock.now();
    const status = { limit: 0, utilization: this.utilization };
    return {
      modelClass,
      limits: this.limits,
      dimensions: {
        requests: { ...status, limit: this.limits.requestsPerMinute },
        inputTokens: { ...status, limit: this.limits.inputTokensPerMinute },
        outputTokens: { ...status, limit: this.limits.outputTokensPerMinute },
      },
      utilization: this.utilization,
      binding: 'requests',
      health: healthOf(this.utilization, paused),
      ...(paused ? { pausedUntil: this.pausedUntil } : {}),
    };
  }

  async setLimits(_modelClass: string, limits: Limits): Promise<void> {
    this.limits = limits;
  }

  /** Settlements by outcome, for assertions. */
  outcomes(): string[] {
    return this.settlements.map((s) => s.settlement.outcome);
  }
}
