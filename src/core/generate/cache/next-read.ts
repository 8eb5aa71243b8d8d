import type { LimiterSnapshot, Limits } from '../../limiter/types';

/** A span in which nothing is dispatched, known before it ends: a 429's pause, an outage's next probe, a planned pause. */
export interface Hold {
  readonly from: number;
  readonly until: number;
  readonly reason: 'rate_limit' | 'outage' | 'user' | 'limit';
}

export interface StepIntervalInput {
  /** Measured time from a request's start to its response's end (0 before the first). */
  readonly latencyMs: number;
  /**
   * Requests that go before this conversation's next one: the conversations under way in the same
   * model class (they take their turns with it), and work queued at a higher priority.
   */
  readonly ahead: number;
  /** The class's limits as the limiter knows them; undefined: not known yet. */
  readonly limits: Limits | undefined;
  /** What one request charges: ITPM-counted input (reads excluded) and expected output. */
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * Time between two requests of one conversation. A conversation's next turn goes to the head of
 * its priority, so what it waits behind is the other conversations under way, each admitted at the
 * rate the binding limit allows; it can never come back sooner than its own response takes.
 */
export function stepIntervalMs(input: StepIntervalInput): number {
  const { limits } = input;
  const perMinute = (amount: number, limit: number) => (limit > 0 && amount > 0 ? (amount * 60_000) / limit : 0);
  const perRequest = limits
    ? Math.max(
        perMinute(1, limits.requestsPerMinute),
        perMinute(input.inputTokens, limits.inputTokensPerMinute),
        perMinute(input.outputTokens, limits.outputTokensPerMinute),
      )
    : 0;
  return Math.max(input.latencyMs, Math.max(1, input.ahead) * perRequest);
}

export interface NextReadInput {
  readonly now: number;
  /** Requests of the conversation until the one that reads the entry (0: a sibling reads it next); undefined: none does. */
  readonly stepsUntilRead: number | undefined;
  readonly stepMs: number;
  readonly holds: readonly Hold[];
}

/**
 * When the entry a request writes now will next be read: its turn comes back, later by every known
 * hold that begins before it (overlapping holds count once: dispatch is either held or not).
 */
export function predictNextRead(input: NextReadInput): number | undefined {
  if (input.stepsUntilRead === undefined) return undefined;
  let at = input.now + input.stepsUntilRead * input.stepMs;
  let heldUntil = input.now;
  for (const hold of [...input.holds].sort((a, b) => a.from - b.from)) {
    const from = Math.max(hold.from, heldUntil);
    if (hold.until <= from || from > at) continue;
    at += hold.until - from;
    heldUntil = hold.until;
  }
  return at;
}

/**
 * The rate the limiter lets this process have, from its snapshot of a class: the limits, scaled
 * down while it throttles itself (learning, after an unexplained 429) and shared with the other
 * processes using the same key.
 */
export function allowedRate(snapshot: Pick<LimiterSnapshot, 'limits' | 'throttle' | 'sharing'>): Limits {
  const share = (snapshot.throttle?.share ?? 1) / Math.max(1, snapshot.sharing?.processes ?? 1);
  const { requestsPerMinute, inputTokensPerMinute, outputTokensPerMinute } = snapshot.limits;
  return {
    requestsPerMinute: requestsPerMinute * share,
    inputTokensPerMinute: inputTokensPerMinute * share,
    outputTokensPerMinute: outputTokensPerMinute * share,
  };
}
