/**
 * One continuously refilled token bucket. Capacity is the short-interval allowance
 * (limit * burstSeconds / 60); it refills at limit / 60 per second. A level below zero is debt:
 * a request larger than the whole bucket is let through once the bucket is full, and pays it back.
 */
export class TokenBucket {
  private level: number;
  private updatedAt: number;

  constructor(
    private perMinute: number,
    private burstSeconds: number,
    now: number,
  ) {
    this.level = this.capacity;
    this.updatedAt = now;
  }

  get limit(): number {
    return this.perMinute;
  }

  get capacity(): number {
    return (this.perMinute * this.burstSeconds) / 60;
  }

  private get perMs(): number {
    return this.perMinute / 60_000;
  }

  levelAt(now: number): number {
    if (now > this.updatedAt) {
      this.level = Math.min(this.capacity, this.level + (now - this.updatedAt) * this.perMs);
      this.updatedAt = now;
    }
    return this.level;
  }

  /** What must be in the bucket before `amount` may be taken: all of it, or a full bucket if it is bigger. */
  private needed(amount: number): number {
    return Math.min(amount, this.capacity);
  }

  /** Milliseconds until `amount` can be taken (0 = now). */
  waitFor(amount: number, now: number): number {
    const missing = this.needed(amount) - this.levelAt(now);
    // a hair of tolerance so float refill never leaves a request waiting for 1e-12 tokens
    return missing <= 1e-9 ? 0 : missing / this.perMs;
  }

  /** Milliseconds until the bucket is out of debt (0 = not in debt). */
  waitForSolvency(now: number): number {
    const level = this.levelAt(now);
    return level >= 0 ? 0 : -level / this.perMs;
  }

  take(amount: number, now: number): void {
    this.level = this.levelAt(now) - amount;
  }

  refund(amount: number, now: number): void {
    this.level = Math.min(this.capacity, this.levelAt(now) + amount);
  }

  msUntilFull(now: number): number {
    return (this.capacity - this.levelAt(now)) / this.perMs;
  }

  /** New limits keep what is in the bucket, clamped to the new capacity (dropping a limit bites at once). */
  reconfigure(perMinute: number, burstSeconds: number, now: number): void {
    this.levelAt(now);
    this.perMinute = perMinute;
    this.burstSeconds = burstSeconds;
    this.level = Math.min(this.level, this.capacity);
  }

  refill(now: number): void {
    this.level = this.capacity;
    this.updatedAt = now;
  }
}
