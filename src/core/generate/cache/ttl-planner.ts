import type { CacheTtl } from '../../api/types';

export const TTL_MS: Readonly<Record<CacheTtl, number>> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/**
 * Picks the cache lifetime for `cache: auto`. A 5-minute entry costs 1.25x input to write, a 1-hour
 * one 2x: the hour pays only when a prefix would otherwise go unused for more than five minutes,
 * as it does when a run is paused or held back by its limits. The planner watches the gaps between
 * uses of the run's prefixes (a conversation's turns, a shared system prompt) and switches to the
 * hour while recent gaps come close to five minutes; it returns to five minutes once they shrink.
 */
export class TtlPlanner {
  private readonly gaps: number[] = [];

  /** Gaps within this share of five minutes already count as too long: entries must not expire in flight. */
  static readonly MARGIN = 0.8;
  static readonly WINDOW = 32;

  /** A prefix was used again (or found gone) `ms` after its previous use. */
  observeGap(ms: number): void {
    if (!(ms >= 0)) return;
    this.gaps.push(ms);
    if (this.gaps.length > TtlPlanner.WINDOW) this.gaps.shift();
  }

  /** A hold is coming (a pause, a budget or limit wait) expected to last `ms`. */
  expectHold(ms: number): void {
    this.observeGap(ms);
  }

  ttl(): CacheTtl {
    const limit = TTL_MS['5m'] * TtlPlanner.MARGIN;
    return this.gaps.some((g) => g > limit) ? '1h' : '5m';
  }
}

/**
 * Feeds the planner the holds the engine announces: a pause with a known end (a 429, an outage's
 * next probe) that outlasts five minutes makes prefixes written from then on take the hour.
 */
export function planHoldsFromPauses(
  processor: { on(type: 'paused', listener: (event: { readonly until?: number }) => void): { dispose(): void } },
  planner: Pick<TtlPlanner, 'expectHold'>,
  now: () => number,
): { dispose(): void } {
  return processor.on('paused', ({ until }) => {
    if (until !== undefined) planner.expectHold(until - now());
  });
}
