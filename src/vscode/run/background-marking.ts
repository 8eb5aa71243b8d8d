import { existsSync } from 'node:fs';
import type { Clock, TimerHandle } from '../../core/clock';
import type { PreparedDuplicates } from '../../core/dataset/duplicate-prep';
import type { RunSummary } from '../../core/generate/run/run-types';
import type { Disposable, LogSink, Ui } from '../ports';
import { markAfterRun, markNew, type MarkNew } from './mark-after-run';
import type { RunControllerDeps } from './run-controller-types';

/** The controller's marking, from its deps. */
export function markingFor(deps: RunControllerDeps): BackgroundMarking {
  return new BackgroundMarking({
    clock: deps.clock,
    log: deps.log,
    threshold: () => deps.config().duplicateThreshold,
    ...(deps.ui ? { ui: deps.ui } : {}),
    ...(deps.markDuplicates ? { mark: deps.markDuplicates } : {}),
  });
}

export interface BackgroundMarkingDeps {
  clock: Clock;
  log: LogSink;
  threshold: () => number | undefined;
  /** Shows a cancellable progress notification for a marking that takes a while; none without it. */
  ui?: Pick<Ui, 'withProgress'>;
  /** The notification shows only once a marking has taken this long (default 1500 ms): most take less. */
  showAfterMs?: number;
  /** Injected in tests. */
  mark?: MarkNew;
}

interface Marking {
  readonly datasets: readonly string[];
  /** What the runs prepared of their conversations as they wrote them (taken as the marking reads them). */
  readonly prepared: readonly PreparedDuplicates[];
  readonly abort: AbortController;
  done: Promise<void>;
  /** Stopped for a run that is opening (its datasets are marked again after it), not by the user. */
  superseded: boolean;
}

/**
 * The duplicate marking after each run, in the background: a run's completion (and the next run)
 * never waits for it. One marking at a time; datasets of runs that end meanwhile are marked next,
 * together. Cancelling (the notification's Cancel) appends nothing: the marks are appended only
 * at the very end, then the index saved, so whatever a stopped marking read is simply compared
 * again by the next one (mark-new-duplicates.ts).
 */
export class BackgroundMarking implements Disposable {
  private current: Marking | undefined;
  private readonly pending = new Set<string>();
  private pendingPrepared: PreparedDuplicates[] = [];
  private disposed = false;

  constructor(private readonly deps: BackgroundMarkingDeps) {}

  /**
   * After a run that generated something: marks its datasets (soon, or after the marking in
   * progress), taking what the run prepared as it wrote. Returns at once.
   */
  schedule(summary: RunSummary, prepared?: PreparedDuplicates): void {
    if (this.disposed) return;
    if (summary.generated > 0 && summary.state !== 'cancelled') {
      for (const d of summary.datasets) this.pending.add(d.path);
      if (prepared) this.pendingPrepared.push(prepared);
    }
    if (!this.current) this.startNext();
  }

  /**
   * Stops the marking in progress, for a run about to open: a dataset's lock cannot be shared, and
   * the marking after that run covers these datasets too. Resolves once it has stopped (it checks
   * often, so this is quick).
   */
  async supersede(): Promise<void> {
    const c = this.current;
    if (!c) return;
    c.superseded = true;
    for (const d of c.datasets) this.pending.add(d);
    // What the stopped marking had not taken yet still serves the next one.
    this.pendingPrepared.push(...c.prepared);
    c.abort.abort();
    await c.done;
  }

  /** Whether a marking is in progress. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Resolves when no marking is in progress or waiting (tests). */
  async idle(): Promise<void> {
    while (this.current) await this.current.done;
  }

  dispose(): void {
    this.disposed = true;
    this.pending.clear();
    this.pendingPrepared = [];
    this.current?.abort.abort();
  }

  private startNext(): void {
    if (this.disposed || this.current) return;
    const datasets = [...this.pending].filter((d) => existsSync(d));
    const prepared = this.pendingPrepared;
    this.pending.clear();
    this.pendingPrepared = [];
    if (datasets.length === 0) return;
    const abort = new AbortController();
    const marking: Marking = { datasets, prepared, abort, superseded: false, done: Promise.resolve() };
    marking.done = this.mark(marking).finally(() => {
      this.current = undefined;
      // Superseded: the run that stopped it schedules these datasets when it ends.
      if (!marking.superseded) this.startNext();
    });
    this.current = marking;
  }

  private async mark(marking: Marking): Promise<void> {
    const { deps } = this;
    let settled = false;
    let timer: TimerHandle | undefined;
    const done = markAfterRun(
      marking.datasets,
      deps.log,
      deps.threshold(),
      marking.abort.signal,
      deps.mark ?? markNew,
      marking.prepared,
    ).finally(() => {
      settled = true;
      if (timer) deps.clock.clearTimeout(timer);
    });
    if (deps.ui) {
      const ui = deps.ui;
      timer = deps.clock.setTimeout(() => {
        timer = undefined;
        if (settled) return;
        void ui.withProgress({ title: 'Conversation Forge: marking near-duplicates', cancellable: true }, async (progress, token) => {
          progress.report({ message: `across ${marking.datasets.length} dataset(s) of the run…` });
          const sub = token.onCancellationRequested(() => marking.abort.abort());
          try {
            await done;
          } finally {
            sub.dispose();
          }
        });
      }, deps.showAfterMs ?? 1500);
    }
    const outcome = await done;
    if (outcome === 'stopped' && !marking.superseded) {
      deps.log.info(
        'duplicate marking cancelled: nothing was marked; the next marking after a run (or Find Duplicates…) compares these conversations again',
      );
    }
  }
}
