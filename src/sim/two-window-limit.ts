import { TokenBucket } from './bucket';

/**
 * One per-minute limit as the API applies it: a minute bucket (holds `limit`) and a short-interval
 * bucket (holds `limit * burstSeconds / 60`), both refilled at limit / 60 per second. A request must
 * be payable by both, so bursts trip the short bucket while the minute bucket still has room; the
 * rate-limit headers describe the minute bucket, as the real `remaining` / `reset` do.
 *
 * Both buckets take the same amounts and refill at the same rate, so between reconfigurations the
 * minute bucket is exactly `limit * (1 - burstSeconds / 60)` fuller than the short one: `remaining`
 * stays high under steady load and only debt (oversized requests, output charged after the fact)
 * or a raised limit takes it further down.
 */
export class TwoWindowLimit {
  private readonly minute: TokenBucket;
  private readonly short: TokenBucket;

  constructor(perMinute: number, burstSeconds: number, now: number) {
    this.minute = new TokenBucket(perMinute, 60, now);
    this.short = new TokenBucket(perMinute, burstSeconds, now);
  }

  get limit(): number {
    return this.minute.limit;
  }

  /** Milliseconds until both buckets can pay `amount` (0 = now); oversized amounts wait for a full bucket. */
  waitFor(amount: number, now: number): number {
    return Math.max(this.minute.waitFor(amount, now), this.short.waitFor(amount, now));
  }

  /** Milliseconds until neither bucket is in debt (0 = now). */
  waitForSolvency(now: number): number {
    return Math.max(this.minute.waitForSolvency(now), this.short.waitForSolvency(now));
  }

  take(amount: number, now: number): void {
    this.minute.take(amount, now);
    this.short.take(amount, now);
  }

  refund(amount: number, now: number): void {
    this.minute.refund(amount, now);
    this.short.refund(amount, now);
  }

  /** The minute bucket's level (negative in debt): what `-remaining` reports. */
  remaining(now: number): number {
    return this.minute.levelAt(now);
  }

  /** Share of the minute bucket that is left, for picking the emptier token dimension. */
  fill(now: number): number {
    return this.minute.levelAt(now) / this.minute.capacity;
  }

  /** Milliseconds until the minute bucket is full again: what `-reset` reports. */
  msUntilFull(now: number): number {
    return this.minute.msUntilFull(now);
  }

  /** Both buckets keep what has been used: raised room is there at once, lowered room bites at once. */
  reconfigure(perMinute: number, burstSeconds: number, now: number): void {
    this.minute.reconfigure(perMinute, 60, now);
    this.short.reconfigure(perMinute, burstSeconds, now);
  }

  refill(now: number): void {
    this.minute.refill(now);
    this.short.refill(now);
  }
}
