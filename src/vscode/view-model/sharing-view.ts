import type { LimiterSnapshot } from '../../core/limiter/types';
import type { SharingView } from '../../protocol/messages';

/** How the run's budget is shared, from its limiters (any class out of reach makes the whole run wait). */
export function sharingOf(limiters: readonly LimiterSnapshot[]): SharingView | undefined {
  let view: SharingView | undefined;
  for (const l of limiters) {
    const s = l.sharing;
    if (!s) continue;
    view = {
      scope: s.scope,
      processes: Math.max(view?.processes ?? 0, s.processes),
      reachable: (view?.reachable ?? true) && s.reachable,
      problem: view?.problem ?? (s.reachable ? null : (s.problem ?? 'unreachable')),
    };
  }
  return view;
}
