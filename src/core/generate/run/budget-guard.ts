import { expectNumber } from '../../validate';

/**
 * Keeps spend under a budget: a request is only dispatched if what has been spent, plus what
 * is in flight, plus this request's estimate stays within the budget. Estimates are upper
 * bounds (max_tokens for output), so the budget is never exceeded by a request we sent.
 */
export class BudgetGuard {
  private spent = 0;
  private inFlight = 0;

  constructor(readonly budgetUsd: number | undefined) {
    if (budgetUsd !== undefined) expectNumber('budget', budgetUsd, { above: 0 });
  }

  get spentUsd(): number {
    return this.spent;
  }

  private ceiling?: { usd: number; reason: (spentUsd: number) => string };

  /**
   * A softer limit for runs without a budget: once what was really spent passes `usd`, no more is
   * dispatched. Unlike the budget it does not count upper bounds, so it never stops a run early.
   */
  setCeiling(usd: number, reason: (spentUsd: number) => string): void {
    if (!(Number.isFinite(usd) && usd > 0)) throw new Error(`Expected \`ceiling\` to be a number above 0, got \`${usd}\` (${typeof usd})`);
    this.ceiling = { usd, reason };
  }

  wouldExceed(estimateUsd: number): boolean {
    if (this.ceiling !== undefined && this.spent > this.ceiling.usd) return true;
    return this.budgetUsd !== undefined && this.spent + this.inFlight + estimateUsd > this.budgetUsd + 1e-12;
  }

  /** Why wouldExceed said yes, when it was the ceiling. */
  reason(): string | undefined {
    return this.ceiling !== undefined && this.spent > this.ceiling.usd ? this.ceiling.reason(this.spent) : undefined;
  }

  /** A request was dispatched with this upper-bound estimate. */
  reserve(estimateUsd: number): void {
    this.inFlight += estimateUsd;
  }

  /** What the budget has left for requests not yet sent (spent and in flight taken off); undefined without a budget. */
  get leftUsd(): number | undefined {
    return this.budgetUsd === undefined ? undefined : Math.max(0, this.budgetUsd - this.spent - this.inFlight);
  }

  /** Spend made for the run outside its queue (a joining file's generated values): counted like any other. */
  charge(usd: number): void {
    if (Number.isFinite(usd) && usd > 0) this.spent += usd;
  }

  /** The request finished: release its reservation and charge what it really cost. */
  settle(estimateUsd: number, actualUsd: number): void {
    this.inFlight = Math.max(0, this.inFlight - estimateUsd);
    this.spent += actualUsd;
  }
}
