/**
 * One continuously refilled token bucket. It refills at limit / 60 per second and holds what that
 * refill brings in `windowSeconds` (limit * windowSeconds / 60): 60 for the per-minute bucket, the
 * short-interval window for the burst bucket. A level below zero is debt: a request larger than the
 * whole bucket is let through once the bucket is full, and pays it back.
 */
export class TokenBucket {
  private level: number;
  private updatedAt: number;

  constructor(
    private perMinute: number,
    private windowSeconds: number,
    now: number,
  ) {
    this.level = this.capacity;
    this.updatedAt = now;
  }

  get limit(): number {
    return this.perMinute;
  }

  get capacity(): number {
    return (this.perMinute * this.windowSeconds) / 60;
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

  /**
   * New limits keep what has been used: a raised capacity adds its extra room at once (an idle
   * bucket stays full), a lowered one clamps the level to it (dropping a limit bites at once).
   */
  reconfigure(perMinute: number, windowSeconds: number, now: number): void {
    this.levelAt(now);
    const before = this.capacity;
    this.perMinute = perMinute;
    this.windowSeconds = windowSeconds;
    this.level = Math.min(this.level + Math.max(0, this.capacity - before), this.capacity);
  }

  refill(now: number): void {
    this.level = this.capacity;
    this.updatedAt = now;
  }
}
