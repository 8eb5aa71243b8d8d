/**
 * Keeps spend under a budget: a request is only dispatched if what has been spent, plus what
 * is in flight, plus this request's estimate stays within the budget. Estimates are upper
 * bounds (max_tokens for output), so the budget is never exceeded by a request we sent.
 */
export class BudgetGuard {
  private spent = 0;
  private inFlight = 0;

  constructor(readonly budgetUsd: number | undefined) {
    if (budgetUsd !== undefined && !(Number.isFinite(budgetUsd) && budgetUsd > 0)) {
      throw new Error(`Expected \`budget\` to be a number above 0, got \`${budgetUsd}\` (${typeof budgetUsd})`);
    }
  }

  get spentUsd(): number {
    return this.spent;
  }

  wouldExceed(estimateUsd: number): boolean {
    return this.budgetUsd !== undefined && this.spent + this.inFlight + estimateUsd > this.budgetUsd + 1e-12;
  }

  /** A request was dispatched with this upper-bound estimate. */
  reserve(estimateUsd: number): void {
    this.inFlight += estimateUsd;
  }

  /** The request finished: release its reservation and charge what it really cost. */
  settle(estimateUsd: number, actualUsd: number): void {
    this.inFlight = Math.max(0, this.inFlight - estimateUsd);
    this.spent += actualUsd;
  }
}
