import type { ClassifiedError } from '../../errors';
import type { MessageBatchBudget } from '../../message-batches/message-batch-budget';
import type { QueueProcessor } from '../../queue/processor';
import type { Disposable } from '../../queue/typed-emitter';
import { ZERO_USAGE } from '../../usage';
import type { ConversationJobData } from '../strategies/executor';
import { BudgetGuard } from './budget-guard';
import type { ModelPricing } from './model-pricing';
import type { ConversationJob } from './run-jobs';

/**
 * Follows every request of a run from the processor's events: reserves its upper-bound cost
 * against the budget while in flight, charges what it really cost, and counts the requests each
 * conversation took (recorded in the sidecar).
 */
export class SpendTracker implements Disposable {
  private readonly budget: BudgetGuard;
  private readonly reservations = new Map<string, number>();
  private readonly requests = new Map<string, number>();
  private readonly subscriptions: Disposable[];

  constructor(
    budgetUsd: number | undefined,
    private readonly pricing: ModelPricing,
    processor: QueueProcessor<ConversationJobData>,
    onFailed: (job: ConversationJob, error: ClassifiedError, requests: number) => void,
  ) {
    this.budget = new BudgetGuard(budgetUsd);
    const cost = (job: ConversationJob, error?: ClassifiedError) => pricing.costUsd(job.model, error?.usage ?? ZERO_USAGE);
    this.subscriptions = [
      processor.on('started', ({ job }) => {
        // A 429 or a stop puts a job back without a per-job event: its reservation ends here.
        this.settle(job.id, 0);
        this.requests.set(job.id, (this.requests.get(job.id) ?? 0) + 1);
        const usd = pricing.upperBoundUsd(job);
        this.reservations.set(job.id, usd);
        this.budget.reserve(usd);
      }),
      processor.on('step', ({ job, usage }) => this.settle(job.id, pricing.costUsd(job.model, usage))),
      processor.on('succeeded', ({ job, usage }) => this.settle(job.id, pricing.costUsd(job.model, usage))),
      processor.on('retrying', ({ job, error }) => this.settle(job.id, cost(job, error))),
      processor.on('cancelled', ({ job }) => this.settle(job.id, 0)),
      processor.on('failed', ({ job, error }) => {
        this.settle(job.id, cost(job, error));
        onFailed(job, error, this.takeRequests(job.id) ?? job.attempts);
      }),
    ];
  }

  /** The processor's budget check before each dispatch. */
  wouldExceed(job: ConversationJob): boolean {
    return this.budget.wouldExceed(this.pricing.upperBoundUsd(job));
  }

  /** See BudgetGuard.setCeiling. */
  setCeiling(usd: number, reason: (spentUsd: number) => string): void {
    this.budget.setCeiling(usd, reason);
  }

  reason(): string | undefined {
    return this.budget.reason();
  }

  /** See BudgetGuard.leftUsd. */
  get budgetLeftUsd(): number | undefined {
    return this.budget.leftUsd;
  }

  /** See BudgetGuard.charge. */
  chargeOutside(usd: number): void {
    this.budget.charge(usd);
  }

  /**
   * The same budget and ceiling for Message Batches, which the processor never sees: submissions
   * reserve their worst case before `create` and settle to what each result cost.
   */
  messageBatchBudget(): MessageBatchBudget {
    return {
      reserve: (usd) => {
        if (!this.budget.wouldExceed(usd)) {
          this.budget.reserve(usd);
          return undefined;
        }
        return this.reason() ?? `the next Message Batch request (at most $${usd.toFixed(4)} at batch prices) would exceed the budget`;
      },
      hold: (usd) => this.budget.reserve(usd),
      settle: (reserved, actual) => this.budget.settle(reserved, actual),
    };
  }

  /** Requests sent for a conversation so far; forgets it (the conversation is finished). */
  takeRequests(jobId: string): number | undefined {
    const n = this.requests.get(jobId);
    this.requests.delete(jobId);
    return n;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private settle(id: string, usd: number): void {
    const reserved = this.reservations.get(id);
    if (reserved === undefined) return;
    this.reservations.delete(id);
    this.budget.settle(reserved, usd);
  }
}
