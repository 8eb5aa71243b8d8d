import type { CacheTtl } from '../../api/types';
import { TTL_MARGIN, TTL_MS } from './ttl-choice';

export { TTL_MS } from './ttl-choice';

/**
 * The reactive half of the TTL choice for `cache: auto` (the planned half is run-cache.ts). It
 * watches the gaps between uses of the run's prefixes (a conversation's turns, a shared system
 * prompt) and answers the hour while recent gaps come close to five minutes, five minutes once they
 * shrink. It catches what no forecast saw coming: an API slower than measured, limits lower than
 * the headers said, a pause nobody announced (a user's), after which entries were found expired.
 */
export class TtlPlanner {
  private readonly gaps: number[] = [];

  static readonly WINDOW = 32;

  /** A prefix was used again (or found gone) `ms` after its previous use. */
  observeGap(ms: number): void {
    if (!(ms >= 0)) return;
    this.gaps.push(ms);
    if (this.gaps.length > TtlPlanner.WINDOW) this.gaps.shift();
  }

  ttl(): CacheTtl {
    const limit = TTL_MS['5m'] * TTL_MARGIN;
    return this.gaps.some((g) => g > limit) ? '1h' : '5m';
  }
}
