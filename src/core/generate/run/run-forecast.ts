import { expectNumber } from '../../validate';
import type { WorkDemand } from './learned-pace';

/** What a pre-run estimate (estimate.ts) tells a run about the work it was made for. */
export interface EstimateFigures {
  readonly costUsd: number;
  readonly conversations: number;
  /** The fastest the rate limits allow for those conversations. */
  readonly wallSeconds: number;
  /** What those conversations send; with them the ETA's pace follows the limits the server reports. */
  readonly requests?: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

/**
 * The estimates of the work in a run, summed as files join it: the cost shown beside what has
 * been spent, and the pace the ETA starts from before there is enough of the run to measure.
 */
export class RunForecast {
  private cost = 0;
  private conversations = 0;
  private seconds = 0;
  private given = false;
  private work = { requests: 0, inputTokens: 0, outputTokens: 0 };
  private workKnown = true;

  add(e: EstimateFigures): void {
    for (const name of ['costUsd', 'conversations', 'wallSeconds'] as const) {
      expectNumber(`estimate.${name}`, e[name], { min: 0 });
    }
    this.cost += e.costUsd;
    this.conversations += e.conversations;
    this.seconds += e.wallSeconds;
    this.given = true;
    if (e.requests === undefined || e.inputTokens === undefined || e.outputTokens === undefined) this.workKnown = false;
    else {
      this.work = {
        requests: this.work.requests + e.requests,
        inputTokens: this.work.inputTokens + e.inputTokens,
        outputTokens: this.work.outputTokens + e.outputTokens,
      };
    }
  }

  /** The estimated work in total, when every estimate said what it sends. */
  get demand(): WorkDemand | undefined {
    return this.given && this.workKnown && this.conversations > 0 ? { conversations: this.conversations, ...this.work } : undefined;
  }

  get costUsd(): number | undefined {
    return this.given ? this.cost : undefined;
  }

  /** Conversations a minute at the estimated pace; undefined without an estimate that has one. */
  get perMinute(): number | undefined {
    return this.seconds > 0 && this.conversations > 0 ? (this.conversations / this.seconds) * 60 : undefined;
  }
}
