/** The words for a shared budget, the same in the status bar and the CLI. */
export interface SharingFacts {
  readonly scope: 'local' | 'redis';
  readonly processes: number;
  readonly reachable: boolean;
  readonly problem?: string | null;
}

function where(scope: SharingFacts['scope']): string {
  return scope === 'redis' ? 'across machines (Redis)' : 'on this machine';
}

/** e.g. "Budget shared with 2 other Forge processes on this machine; usage shown is everyone's." */
export function sharingSentence(s: SharingFacts): string {
  if (!s.reachable) {
    const store = s.scope === 'redis' ? 'Redis' : 'the shared limits file';
    return `Waiting for ${store}: the shared budget cannot be checked, so nothing is sent until it is back${s.problem ? ` (${s.problem})` : ''}.`;
  }
  const others = s.processes - 1;
  const whom = others <= 0 ? 'no other Forge process seen in the last 30 s' : `${others} other Forge process${others === 1 ? '' : 'es'}`;
  return `Budget shared ${where(s.scope)}: ${whom}; usage shown is everyone's.`;
}
