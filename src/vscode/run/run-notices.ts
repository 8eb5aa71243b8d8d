import type { GenerationRun } from '../../core/generate/run/generation-run';
import type { Health } from '../../core/limiter/types';
import type { Disposable } from '../ports';
import type { RunNotice } from './run-controller-types';

/** What the controller does with a run's events; each hook is a notification, nothing returns. */
export interface RunWatchHooks {
  /** Progress moved: the next snapshot tick sends a fresh one. */
  dirty(): void;
  /** Pause state or phase may have changed: re-read them from the run. */
  refresh(): void;
  health(health: Health): void;
  notice(notice: RunNotice): void;
}

/**
 * Translates one run's processor and run events into snapshot marks, status refreshes and the
 * notices worth telling the user about (only rate-limit pauses: a user pause is the user's own).
 * The subscriptions belong to the run's bucket.
 */
export function watchRun(run: GenerationRun, hooks: RunWatchHooks): Disposable[] {
  const p = run.processor;
  const dirty = () => hooks.dirty();
  return [
    p.on('started', dirty),
    p.on('succeeded', dirty),
    p.on('failed', dirty),
    p.on('retrying', dirty),
    p.on('step', dirty),
    p.on('queued', dirty),
    run.on('written', dirty),
    run.on('batches', dirty),
    p.on('paused', ({ until, reason, error }) => {
      hooks.refresh();
      if (reason === 'rate_limit') {
        hooks.notice({
          type: 'rateLimitPaused',
          ...(until !== undefined ? { until } : {}),
          ...(error ? { kind: error.kind } : {}),
        });
      }
    }),
    p.on('resumed', ({ reason }) => {
      hooks.refresh();
      if (reason === 'rate_limit') hooks.notice({ type: 'rateLimitResumed' });
    }),
    p.on('health', ({ snapshot }) => {
      hooks.health(snapshot.health);
      hooks.notice({ type: 'health', health: snapshot.health });
    }),
    p.on('state', () => hooks.refresh()),
  ];
}
