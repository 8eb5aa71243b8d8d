import type { Clock } from '../../core/clock';
import type { PanelState } from '../../protocol/messages';
import type { NotificationLevel } from '../config';
import type { Disposable, Ui } from '../ports';
import type { RunController, RunNotice } from './run-controller';
import { formatUsd, summaryText } from './run-log';
import { estimateCheckViewOf } from '../../engine/work-view';
import { estimateCheckLines } from '../../protocol/work-text';

/** How long the API must hold the run back with failures before it is called an outage. */
export const OUTAGE_NOTICE_MS = 20_000;

/** The run as the panel sees it (RunViewSource), for the notices that come from its pace. */
export interface PaceSource {
  onChange(listener: () => void): Disposable;
  panelState(): PanelState;
}

/**
 * Quiet by default: a notification only for what a user must act on or would want to know once.
 * Everything else (429 pauses, utilization levels, resumes) is in the status bar and the panel's
 * events, where it does not interrupt.
 * - `all` (default): run finished; run stopped (auth, spend cap, budget, …); an outage (the API
 *   failing with nothing in flight for OUTAGE_NOTICE_MS), once per run; approaching your budget,
 *   once per run.
 * - `important`: only what needs you: stopped, outage.
 * - `none`: nothing.
 */
export interface NotifierActions {
  openDataset(path: string): void;
  retryFailed(): void;
  setApiKey(): void;
  showOutput(): void;
}

export const BUTTONS = {
  openDataset: 'Open dataset',
  retryFailed: 'Retry Failed',
  setApiKey: 'Set API Key',
  showLog: 'Show Log',
} as const;

type Kind = 'finished' | 'stopped' | 'outage' | 'budget';
const SHOWN_AT: Record<NotificationLevel, ReadonlySet<Kind>> = {
  all: new Set(['finished', 'stopped', 'outage', 'budget']),
  important: new Set(['stopped', 'outage']),
  none: new Set(),
};

export class Notifier implements Disposable {
  /** Once-per-run notices already given (or passed over at the level in force then). */
  private readonly given = new Set<Kind>();
  private outageSince: number | undefined;
  private readonly subscriptions: Disposable[];

  constructor(
    controller: Pick<RunController, 'on'>,
    private readonly ui: Ui,
    private readonly clock: Clock,
    private readonly level: () => NotificationLevel,
    private readonly actions: NotifierActions,
    pace?: PaceSource,
  ) {
    this.subscriptions = [controller.on('notice', (n) => this.handle(n))];
    if (pace) this.subscriptions.push(pace.onChange(() => this.watchPace(pace.panelState())));
  }

  private shows(kind: Kind): boolean {
    return SHOWN_AT[this.level()].has(kind);
  }

  /** Outage and budget come from the run's pace; each is told once per run. */
  watchPace(panel: PanelState): void {
    const outage = panel.pace === 'heldBack' && panel.heldBackBy === 'outage';
    if (!outage) this.outageSince = undefined;
    else this.outageSince ??= this.clock.now();
    if (this.outageSince !== undefined && this.clock.now() - this.outageSince >= OUTAGE_NOTICE_MS && this.once('outage')) {
      void this.ui
        .warn(`Conversation Forge: the API is failing. ${panel.paceText} The run retries by itself.`, BUTTONS.showLog)
        .then((b) => {
          if (b === BUTTONS.showLog) this.actions.showOutput();
        });
    }
    if (panel.pace === 'approaching' && this.once('budget')) {
      void this.ui.warn(`Conversation Forge: ${panel.paceText}`);
    }
  }

  /** True the first time in a run; a kind the level hides counts as given, so switching levels mid-run replays nothing. */
  private once(kind: Kind): boolean {
    if (this.given.has(kind)) return false;
    this.given.add(kind);
    return this.shows(kind);
  }

  handle(notice: RunNotice): void {
    switch (notice.type) {
      case 'started':
        this.given.clear();
        this.outageSince = undefined;
        return;
      case 'finished': {
        if (!this.shows('finished')) return;
        const s = notice.summary;
        const dry = notice.simulated ? 'DRY RUN ' : '';
        const buttons = [...(s.datasets.length > 0 ? [BUTTONS.openDataset] : []), ...(s.failed > 0 ? [BUTTONS.retryFailed] : [])];
        const check = s.estimateCheck ? ` ${estimateCheckLines(estimateCheckViewOf(s.estimateCheck), formatUsd).join(' ')}` : '';
        void this.ui.info(`Conversation Forge: ${dry}run finished: ${summaryText(s)}.${check}`, ...buttons).then((b) => {
          if (b === BUTTONS.openDataset) this.actions.openDataset(s.datasets[0]!.path);
          if (b === BUTTONS.retryFailed) this.actions.retryFailed();
        });
        return;
      }
      case 'stopped': {
        if (!this.shows('stopped')) return;
        const auth = notice.kind === 'auth';
        const spend = notice.kind === 'spend_cap';
        const text = spend
          ? `Conversation Forge: run stopped: the monthly spend cap is reached; it fails until the cap is raised or the month ends. ${notice.summary.remaining} conversations left for a re-run.`
          : `Conversation Forge: run stopped: ${notice.message}. ${notice.summary.remaining} conversations left for a re-run.`;
        const buttons = auth ? [BUTTONS.setApiKey, BUTTONS.showLog] : [BUTTONS.showLog];
        const show = notice.kind === 'budget' ? this.ui.warn(text, ...buttons) : this.ui.error(text, ...buttons);
        void show.then((b) => {
          if (b === BUTTONS.setApiKey) this.actions.setApiKey();
          if (b === BUTTONS.showLog) this.actions.showOutput();
        });
        return;
      }
      // In the status bar and the panel's events: no interruption.
      case 'added':
      case 'health':
      case 'rateLimitPaused':
      case 'rateLimitResumed':
        return;
    }
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}
