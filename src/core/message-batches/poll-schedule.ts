/** How often an open Message Batch is retrieved: soon after submit, then backing off to `maxMs`. */
export interface PollTiming {
  initialMs: number;
  maxMs: number;
  /** Growth of the wait after each poll that found the batch still processing. */
  factor: number;
}

/** Most batches end within an hour: a poll a minute at most keeps a 10,000-conversation run to a few dozen calls. */
export const DEFAULT_POLL: PollTiming = { initialMs: 5_000, maxMs: 60_000, factor: 1.5 };

/** Per-batch next poll times with exponential backoff; a batch seen for the first time in this process is polled at once. */
export class PollSchedule {
  private readonly next = new Map<string, { at: number; waitMs: number }>();

  constructor(private readonly timing: PollTiming) {}

  due(batchId: string, now: number): boolean {
    const n = this.next.get(batchId);
    return n === undefined || n.at <= now;
  }

  /** Still processing: wait longer next time. */
  polled(batchId: string, now: number): void {
    const prev = this.next.get(batchId);
    const waitMs = prev ? Math.min(this.timing.maxMs, prev.waitMs * this.timing.factor) : this.timing.initialMs;
    this.next.set(batchId, { at: now + waitMs, waitMs });
  }

  /** Just created: its first poll waits the initial interval. */
  created(batchId: string, now: number): void {
    this.next.set(batchId, { at: now + this.timing.initialMs, waitMs: this.timing.initialMs });
  }

  /** A transient failure (5xx, network, 404 right after create): retry after `ms`. */
  retryAfter(batchId: string, now: number, ms: number): void {
    const prev = this.next.get(batchId);
    this.next.set(batchId, { at: now + ms, waitMs: prev?.waitMs ?? this.timing.initialMs });
  }

  forget(batchId: string): void {
    this.next.delete(batchId);
  }

  /** Earliest next poll among `ids` (undefined: none scheduled). */
  earliest(ids: Iterable<string>): number | undefined {
    let best: number | undefined;
    for (const id of ids) {
      const at = this.next.get(id)?.at ?? 0;
      if (best === undefined || at < best) best = at;
    }
    return best;
  }
}
