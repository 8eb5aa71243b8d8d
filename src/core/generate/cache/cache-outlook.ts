import type { LimiterSnapshot, Limits } from '../../limiter/types';
import type { Disposable } from '../../queue/typed-emitter';
import { PRIORITIES, type Priority } from '../../queue/types';
import { allowedRate, type Hold } from './next-read';

/** Conversations not heard from for this long have ended (failed, cancelled) and leave the rotation. */
const FORGET_AFTER_MS = 60 * 60_000;
/** Ended holds stay known this long, to explain the gaps they caused. */
const KEEP_ENDED_MS = 60 * 60_000;
/** Weight of the newest latency in the running average. */
const LATENCY_WEIGHT = 0.2;

/**
 * What the engine knows at dispatch about when a conversation's next turn can come: how long its
 * responses take, how many conversations take turns with it per model class, the limits the
 * limiter has learnt, and the holds announced so far. State only; the forecast is next-read.ts.
 */
export class CacheOutlook {
  private latency = 0;
  /** Conversations under way, oldest step first (each step moves its conversation to the end). */
  private readonly open = new Map<string, { modelClass: string; lastSeen: number }>();
  /** How many of `open` are in each class: rotation() is asked at every dispatch, with hundreds under way. */
  private readonly openByClass = new Map<string, number>();
  private readonly limitsByClass = new Map<string, Limits>();
  private readonly known: Hold[] = [];
  private queued: Readonly<Record<Priority, number>> = { high: 0, normal: 0, low: 0 };

  get latencyMs(): number {
    return this.latency;
  }

  observeLatency(ms: number): void {
    if (!(ms >= 0)) return;
    this.latency = this.latency === 0 ? ms : this.latency + LATENCY_WEIGHT * (ms - this.latency);
  }

  /** A conversation of `modelClass` sends a request; it is under way until `ended`. */
  stepped(id: string, modelClass: string, now: number): void {
    this.ended(id);
    this.open.set(id, { modelClass, lastSeen: now });
    this.openByClass.set(modelClass, (this.openByClass.get(modelClass) ?? 0) + 1);
  }

  ended(id: string): void {
    const c = this.open.get(id);
    if (!c) return;
    this.open.delete(id);
    this.openByClass.set(c.modelClass, this.openByClass.get(c.modelClass)! - 1);
  }

  /** Conversations under way in `modelClass` (at least the one asking). */
  rotation(modelClass: string, now: number): number {
    // The oldest steps come first, so the forgotten are found without visiting the rest (a clock
    // stepped back only delays forgetting the few stepped before it).
    for (const [id, c] of this.open) {
      if (now - c.lastSeen <= FORGET_AFTER_MS) break;
      this.ended(id);
    }
    return Math.max(1, this.openByClass.get(modelClass) ?? 0);
  }

  /** Jobs queued at each priority, as the processor last said. */
  setQueued(queued: Readonly<Record<Priority, number>>): void {
    this.queued = queued;
  }

  /** Jobs queued at a higher priority than `priority`: all of them go before its next turn. */
  queuedAhead(priority: Priority): number {
    const rank = PRIORITIES.indexOf(priority);
    return PRIORITIES.slice(0, Math.max(0, rank)).reduce((n, p) => n + this.queued[p], 0);
  }

  setLimits(modelClass: string, limits: Limits): void {
    this.limitsByClass.set(modelClass, limits);
  }

  limits(modelClass: string): Limits | undefined {
    return this.limitsByClass.get(modelClass);
  }

  /** A hold is known before it ends: dispatch stops from `from` until `until`. */
  expectHold(hold: Hold): void {
    if (!(hold.until > hold.from)) return;
    // the same pause announced again (a 429 extended, a snapshot repeating it) is known already
    if (this.known.some((h) => h.reason === hold.reason && h.from <= hold.from && h.until >= hold.until)) return;
    this.known.push(hold);
  }

  /** A hold of `reason` ended early (a resume): it no longer delays anything after `now`. */
  holdEnded(reason: Hold['reason'], now: number): void {
    for (let i = 0; i < this.known.length; i++) {
      const h = this.known[i]!;
      if (h.reason === reason && h.from <= now && h.until > now) this.known[i] = { ...h, until: now };
    }
  }

  /** Holds that have not ended by `now`. */
  holds(now: number): readonly Hold[] {
    // ended holds are kept an hour: a gap observed later may still span one (`heldWithin`)
    for (let i = this.known.length - 1; i >= 0; i--) if (this.known[i]!.until + KEEP_ENDED_MS <= now) this.known.splice(i, 1);
    return this.known.filter((h) => h.until > now);
  }

  /** How much of the span from `from` to `to` known holds covered: a gap the plan saw coming. */
  heldWithin(from: number, to: number): number {
    let held = 0;
    let covered = from;
    for (const h of [...this.known].sort((a, b) => a.from - b.from)) {
      const start = Math.max(h.from, covered);
      const end = Math.min(h.until, to);
      if (end > start) {
        held += end - start;
        covered = end;
      }
    }
    return held;
  }
}

interface ProcessorSource {
  readonly stats: { readonly queued: Readonly<Record<Priority, number>> };
  on(type: 'paused', listener: (event: { readonly until?: number; readonly reason: string }) => void): Disposable;
  on(type: 'resumed', listener: (event: { readonly reason: string }) => void): Disposable;
  on(type: 'step', listener: (event: { readonly job: { readonly modelClass: string } }) => void): Disposable;
  on(type: 'succeeded' | 'failed' | 'cancelled', listener: (event: { readonly job: { readonly id: string } }) => void): Disposable;
  on(type: 'health', listener: (event: { readonly snapshot: { readonly limiters: readonly LimiterSnapshot[] } }) => void): Disposable;
}

/**
 * Feeds the outlook what the engine announces: a pause with a known end (a 429's retry-after, an
 * outage's next probe) is a hold from now until then, and a resume ends it; a pause of yours is
 * recorded when it ends; the queue's size by priority is read at each step; each class's rate
 * comes with the health snapshots the processor already takes (sent when the verdict changes:
 * while it stays healthy the limits do not bind, and no extra reads of a shared store are made);
 * a job that ends leaves the rotation.
 */
export function watchProcessor(processor: ProcessorSource, outlook: CacheOutlook, now: () => number): Disposable {
  const kinds: Readonly<Record<string, Hold['reason']>> = { rate_limit: 'rate_limit', outage: 'outage' };
  let userPausedAt: number | undefined;
  const ended = ({ job }: { readonly job: { readonly id: string } }) => outlook.ended(job.id);
  const subs = [
    processor.on('succeeded', ended),
    processor.on('failed', ended),
    processor.on('cancelled', ended),
    processor.on('paused', ({ until, reason }) => {
      const kind = kinds[reason];
      if (kind && until !== undefined) outlook.expectHold({ from: now(), until, reason: kind });
      if (reason === 'user') userPausedAt ??= now();
    }),
    processor.on('resumed', ({ reason }) => {
      const kind = kinds[reason];
      if (kind) outlook.holdEnded(kind, now());
      // known only once it is over: it explains the gaps it caused, it cannot plan the writes before it
      if (reason === 'user' && userPausedAt !== undefined) outlook.expectHold({ from: userPausedAt, until: now(), reason: 'user' });
      if (reason === 'user') userPausedAt = undefined;
    }),
    processor.on('step', () => outlook.setQueued(processor.stats.queued)),
    processor.on('health', ({ snapshot }) => {
      for (const s of snapshot.limiters) {
        outlook.setLimits(s.modelClass, allowedRate(s));
        // a 429 pause the shared limits know of (another process's) holds this one too
        if (s.pausedUntil !== undefined) outlook.expectHold({ from: now(), until: s.pausedUntil, reason: 'rate_limit' });
      }
    }),
  ];
  return { dispose: () => subs.forEach((s) => s.dispose()) };
}
