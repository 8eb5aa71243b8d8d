/**
 * Quick retries earned by successes (the retry budget of gRPC's retry throttling and Finagle's
 * RetryBudget). A fault amid a stream of answers (one 500, one reset, one 529 among dozens of
 * 200s) says little about the server, and the backoff that protects an overloaded one only idles
 * the job: mid-run others fill the gap, but a job that fails near the end holds the whole run
 * for its 0.5-1 s. So a job's first retry of such a fault goes after a fifth of the base delay
 * when the budget holds one. Every SUCCESSES_PER_RETRY answers earn one, so quick retries add at
 * most a tenth to the requests sent, and at most CAP of them can follow each other: when faults
 * come thick, the budget runs dry and every retry waits its full backoff (and a streak opens the
 * outage breaker, outage.ts). It starts empty: a run that has had no answer has earned nothing.
 */
export const SUCCESSES_PER_RETRY = 10;
export const CAP = 5;
/** A quick retry waits this share of the backoff's base delay (half fixed, half jittered). */
export const QUICK_SHARE = 0.2;

export class RetryBudget {
  /** Answers banked, in whole numbers so that ten of them make exactly one retry. */
  private credit = 0;

  /** Whether a quick retry may be spent now. */
  get available(): boolean {
    return this.credit >= SUCCESSES_PER_RETRY;
  }

  /** A request was answered. */
  earn(): void {
    this.credit = Math.min(CAP * SUCCESSES_PER_RETRY, this.credit + 1);
  }

  /** A quick retry was decided. */
  spend(): void {
    this.credit = Math.max(0, this.credit - SUCCESSES_PER_RETRY);
  }
}
