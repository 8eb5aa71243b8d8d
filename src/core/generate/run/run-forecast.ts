import { expectNumber } from '../../validate';

/** One prompt file's share of an estimate: what its requests send, on average a request. */
export interface FileFigures {
  /** The prompt file's path (a batch's `sourceFile`). */
  readonly file: string;
  readonly requests: number;
  /** All input, cached or not. */
  readonly inputTokens: number;
  /** The part of `inputTokens` read from the prompt cache: it does not count against ITPM. */
  readonly cacheReadInputTokens?: number;
  readonly outputTokens: number;
  /** Samples of the file count_tokens answered: more than none proves the key and the file's model. */
  readonly countedSamples?: number;
}

/** What a pre-run estimate (estimate.ts) tells a run about the work it was made for. */
export interface EstimateFigures {
  readonly costUsd: number;
  readonly conversations: number;
  /** The fastest the rate limits allow for those conversations. */
  readonly wallSeconds: number;
  /** Per prompt file: the tokens a step sends and receives, which weigh its steps in the ETA. */
  readonly perFile?: readonly FileFigures[];
}

/** What one step (request) of a prompt file costs against the limits: input counted by ITPM, and output. */
export interface StepDemand {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * The estimates of the work in a run, summed as files join it: the cost shown beside what has
 * been spent, the time the summary compares with the actual one, and each file's tokens a step,
 * which weigh its steps against the binding limit (run-progress.ts).
 */
export class RunForecast {
  private cost = 0;
  private conversations = 0;
  private seconds = 0;
  private given = false;
  private readonly steps = new Map<string, StepDemand>();

  add(e: EstimateFigures): void {
    for (const name of ['costUsd', 'conversations', 'wallSeconds'] as const) {
      expectNumber(`estimate.${name}`, e[name], { min: 0 });
    }
    this.cost += e.costUsd;
    this.conversations += e.conversations;
    this.seconds += e.wallSeconds;
    this.given = true;
    for (const f of e.perFile ?? []) {
      if (!(f.requests > 0)) continue;
      this.steps.set(f.file, {
        inputTokens: Math.max(0, f.inputTokens - (f.cacheReadInputTokens ?? 0)) / f.requests,
        outputTokens: f.outputTokens / f.requests,
      });
    }
  }

  /** The estimated tokens of one step of the prompt file at `file`; undefined when no estimate covered it. */
  stepDemand(file: string): StepDemand | undefined {
    return this.steps.get(file);
  }

  get costUsd(): number | undefined {
    return this.given ? this.cost : undefined;
  }

  /** The estimated time at the rate limits, summed over the estimates (files that join run after those before). */
  get wallSeconds(): number | undefined {
    return this.given ? this.seconds : undefined;
  }

  /** Conversations a minute at the estimated pace; undefined without an estimate that has one. */
  get perMinute(): number | undefined {
    return this.seconds > 0 && this.conversations > 0 ? (this.conversations / this.seconds) * 60 : undefined;
  }
}
