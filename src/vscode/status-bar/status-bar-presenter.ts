// The status-bar item's behaviour over a small port (no vscode import): one state value,
// setStatus(s) then render() (rust-analyzer's ctx.ts habit). Timers run on the injected clock:
// a 1 s countdown tick only while a 429 pause holds, and one timer that hides the finished
// run's summary.
import type { Clock, TimerHandle } from '../../core/clock';
import type { Disposable } from '../ports';
import { renderStatusBar, type StatusRender } from './status-bar-render';
import type { StatusFacts } from '../view-model/view-model';

export interface StatusItemPort {
  show(render: StatusRender): void;
  hide(): void;
  dispose(): void;
}

export interface StatusSource {
  onChange(listener: () => void): Disposable;
  statusFacts(): StatusFacts;
}

/** How long the finished run's summary stays in the status bar. */
export const SUMMARY_MS = 30_000;

const LIVE = new Set(['starting', 'running', 'paused']);
const ENDED = new Set(['finished', 'stopped', 'cancelled']);

export class StatusBarPresenter implements Disposable {
  private status: StatusFacts;
  private endedAt: number | undefined;
  private tickTimer: TimerHandle | undefined;
  private hideTimer: TimerHandle | undefined;
  private shown: string | undefined;
  private readonly subscription: Disposable;

  constructor(
    source: StatusSource,
    private readonly clock: Clock,
    private readonly item: StatusItemPort,
    private readonly summaryMs = SUMMARY_MS,
  ) {
    this.status = source.statusFacts();
    this.subscription = source.onChange(() => this.setStatus(source.statusFacts()));
    this.render();
  }

  setStatus(next: StatusFacts): void {
    const wasEnded = ENDED.has(this.status.phase);
    this.status = next;
    if (ENDED.has(next.phase) && !wasEnded) this.endedAt = this.clock.now();
    if (!ENDED.has(next.phase)) this.endedAt = undefined;
    this.render();
  }

  /** Visible while a run exists, and for `summaryMs` after it ends. */
  get visible(): boolean {
    if (LIVE.has(this.status.phase)) return true;
    return this.endedAt !== undefined && this.clock.now() - this.endedAt < this.summaryMs;
  }

  render(): void {
    this.schedule();
    if (!this.visible) {
      if (this.shown !== undefined) this.item.hide();
      this.shown = undefined;
      return;
    }
    const r = renderStatusBar(this.status, this.clock.now());
    const key = JSON.stringify(r);
    if (key === this.shown) return;
    this.shown = key;
    this.item.show(r);
  }

  private schedule(): void {
    const until = this.status.panel.pausedUntil;
    if (until !== null && LIVE.has(this.status.phase)) {
      if (!this.tickTimer) {
        // Flip on the second the countdown changes, not up to a second late.
        const delay = (((until - this.clock.now()) % 1000) + 1000) % 1000 || 1000;
        this.tickTimer = this.clock.setTimeout(() => {
          this.tickTimer = undefined;
          this.render();
        }, delay);
      }
    } else if (this.tickTimer) {
      this.clock.clearTimeout(this.tickTimer);
      this.tickTimer = undefined;
    }
    if (this.endedAt !== undefined && this.visible) {
      if (!this.hideTimer) {
        this.hideTimer = this.clock.setTimeout(
          () => {
            this.hideTimer = undefined;
            this.render();
          },
          Math.max(0, this.endedAt + this.summaryMs - this.clock.now()),
        );
      }
    } else if (this.hideTimer) {
      this.clock.clearTimeout(this.hideTimer);
      this.hideTimer = undefined;
    }
  }

  dispose(): void {
    this.subscription.dispose();
    if (this.tickTimer) this.clock.clearTimeout(this.tickTimer);
    if (this.hideTimer) this.clock.clearTimeout(this.hideTimer);
    this.tickTimer = this.hideTimer = undefined;
    this.item.dispose();
  }
}
