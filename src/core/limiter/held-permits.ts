import type { Amounts } from './class-state';
import type { Permit } from './types';

/**
 * The admitting process's side of a lease (the shared state keeps only sums per bucket,
 * lease-buckets.ts): which bucket holds each permit it handed out, whether its headers were heard,
 * and whether it was settled. Kept beside the permit object itself (a WeakMap: a permit dropped
 * without settlement is forgotten with it, and its bucket lapses in the store), so a permit is
 * settled only by the limiter that admitted it, with the very object it handed out.
 */
interface Held {
  readonly bucket: string;
  /** Its request and input left the bucket when the headers arrived (RateLimiter.observe). */
  heard: boolean;
  /** A settlement was accepted: any later one refunds nothing. */
  settled: boolean;
  /** An observe under way: the settlement waits for it, to know whether it was heard. */
  observing?: Promise<void>;
}

/** What a settlement takes out of the shared state: the permit's bucket, how much, and its number. */
export interface LeaseRef {
  readonly bucket: string;
  readonly heard: boolean;
  /** Its place in this process's settlements (LeaseBucket.settledOp). */
  readonly op: number;
}

export function chargeOf(permit: Permit): Amounts {
  return { requests: 1, inputTokens: permit.inputTokens, outputTokens: permit.outputTokens };
}

export class HeldPermits {
  private readonly held = new WeakMap<Permit, Held>();
  private ops = 0;

  hold(permit: Permit, bucket: string): void {
    this.held.set(permit, { bucket, heard: false, settled: false });
  }

  /** The bucket of a permit whose headers may still be observed, else undefined. */
  observable(permit: Permit): string | undefined {
    const h = this.held.get(permit);
    return h && !h.heard && !h.settled && !h.observing ? h.bucket : undefined;
  }

  /** Runs the observe of `permit` (see observable); the settlement waits for it. */
  observing(permit: Permit, run: () => Promise<boolean>): Promise<void> {
    const h = this.held.get(permit)!;
    const done = run().then((heard) => {
      if (heard) h.heard = true;
    });
    h.observing = done.catch(() => undefined);
    return done;
  }

  /** The observe applied synchronously (the memory store). */
  heard(permit: Permit): void {
    const h = this.held.get(permit);
    if (h) h.heard = true;
  }

  /**
   * Claims the permit's one settlement: undefined when it is not this limiter's or was settled
   * already. The caller numbers it (`number`) only once an observe under way is done.
   */
  claim(permit: Permit): { readonly observing: Promise<void> | undefined; number: () => LeaseRef } | undefined {
    const h = this.held.get(permit);
    if (!h || h.settled) return undefined;
    h.settled = true;
    return { observing: h.observing, number: () => ({ bucket: h.bucket, heard: h.heard, op: ++this.ops }) };
  }
}
