import type { Clock } from '../../core/clock';
import type { NotificationLevel } from '../config';
import type { Disposable, Ui } from '../ports';
import type { RunController, RunNotice } from './run-controller';
import { formatDuration, summaryText } from './run-log';

/**
 * Notifications at transitions only, filtered by `conversationForge.notifications`:
 * - approaching the limit: once per run, re-armed only after health is back to healthy;
 * - paused by a 429: when dispatch goes from running to paused (a 429 that extends a pause is
 *   silent), at most once per `cooldownMs`;
 * - resumed: only after a shown pause;
 * - finished / stopped: always (unless `none`).
 * Never a storm: every kind also has a cooldown.
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

const IMPORTANT: ReadonlySet<RunNotice['type']> = new Set(['finished', 'stopped']);

export class Notifier implements Disposable {
  private approachingShown = false;
  private pauseShown = false;
  private readonly lastShown = new Map<string, number>();
  private readonly subscription: Disposable;

  constructor(
    controller: Pick<RunController, 'on'>,
    private readonly ui: Ui,
    private readonly clock: Clock,
    private readonly level: () => NotificationLevel,
    private readonly actions: NotifierActions,
    private readonly cooldownMs = 60_000,
  ) {
    this.subscription = controller.on('notice', (n) => this.handle(n));
  }

  handle(notice: RunNotice): void {
    if (notice.type === 'started') {
      this.approachingShown = false;
      this.pauseShown = false;
      this.lastShown.clear();
      return;
    }
    if (notice.type === 'health' && notice.health === 'healthy') {
      this.approachingShown = false;
      return;
    }
    const level = this.level();
    if (level === 'none' || (level === 'important' && !IMPORTANT.has(notice.type))) {
      // Keep the transition state in step so switching levels mid-run does not replay old news.
      if (notice.type === 'health') this.approachingShown = true;
      if (notice.type === 'rateLimitResumed') this.pauseShown = false;
      return;
    }
    switch (notice.type) {
      case 'health':
        if (this.approachingShown || !this.cool('health')) return;
        this.approachingShown = true;
        void this.ui.warn(
          notice.health === 'throttled'
            ? 'Conversation Forge: at the rate limit; requests are being spread out.'
            : 'Conversation Forge: approaching the rate limit (70% or more of a limit in use).',
        );
        return;
      case 'rateLimitPaused': {
        if (this.pauseShown || !this.cool('paused')) return;
        this.pauseShown = true;
        const wait = notice.until !== undefined ? ` for ${formatDuration(Math.max(0, notice.until - this.clock.now()))}` : '';
        const why = notice.kind === 'acceleration_limit' ? 'traffic rose too sharply (429)' : 'rate limited (429)';
        void this.ui.warn(`Conversation Forge: paused${wait}: ${why}. It resumes by itself.`);
        return;
      }
      case 'rateLimitResumed':
        if (!this.pauseShown) return;
        this.pauseShown = false;
        if (!this.cool('resumed')) return;
        void this.ui.info('Conversation Forge: resumed after the rate-limit pause.');
        return;
      case 'finished': {
        const s = notice.summary;
        const dry = notice.simulated ? 'DRY RUN ' : '';
        const buttons = [...(s.datasets.length > 0 ? [BUTTONS.openDataset] : []), ...(s.failed > 0 ? [BUTTONS.retryFailed] : [])];
        void this.ui.info(`Conversation Forge: ${dry}run finished: ${summaryText(s)}.`, ...buttons).then((b) => {
          if (b === BUTTONS.openDataset) this.actions.openDataset(s.datasets[0]!.path);
          if (b === BUTTONS.retryFailed) this.actions.retryFailed();
        });
        return;
      }
      case 'stopped': {
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
      case 'added':
        return;
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }

  /** True (and starts the cooldown) when this kind has not been shown for `cooldownMs`. */
  private cool(kind: string): boolean {
    const now = this.clock.now();
    const last = this.lastShown.get(kind);
    if (last !== undefined && now - last < this.cooldownMs) return false;
    this.lastShown.set(kind, now);
    return true;
  }
}
