// The one place the panel and the status bar get their view of the run from. Lives as long as the
// extension (so the throughput history survives closing the panel); no vscode import.
import type { Clock } from '../../core/clock';
import type { RunSnapshot } from '../../core/generate/run/run-types';
import { TypedEmitter } from '../../core/queue/typed-emitter';
import type { PanelState } from '../../protocol/messages';
import type { Disposable } from '../ports';
import type { ControllerEvents, ControllerStatus } from '../run/run-controller';
import { SendWatch, ThroughputSeries, toPanelState, toStatusFacts, type DisplayPath, type StatusFacts, type ViewInput } from './view-model';

/** What the view needs of the RunController (a fake in tests). */
export interface ViewController {
  on<K extends keyof ControllerEvents>(type: K, listener: (event: ControllerEvents[K]) => void): Disposable;
  status(): ControllerStatus;
  latestSnapshot(): RunSnapshot | undefined;
}

export class RunViewSource implements Disposable {
  private readonly emitter = new TypedEmitter<{ change: void }>();
  private readonly subscriptions: Disposable[];
  private readonly throughput = new ThroughputSeries();
  private readonly sends = new SendWatch();
  private snapshot: RunSnapshot | undefined;

  /** `displayPath` shows source files relative to the workspace folder (the host passes asRelativePath). */
  constructor(
    private readonly controller: ViewController,
    private readonly clock: Clock,
    readonly displayPath: DisplayPath = (p) => p,
  ) {
    this.snapshot = controller.latestSnapshot();
    this.subscriptions = [
      controller.on('snapshot', (snap) => {
        this.snapshot = snap;
        if (snap.state === 'running' || snap.state === 'paused') this.throughput.sample(snap.metrics.at, snap.metrics.throughputPerMinute);
        this.changed();
      }),
      controller.on('state', (s) => {
        if (s.phase === 'starting') {
          // A new run: forget the last one's history.
          this.throughput.clear();
          this.snapshot = undefined;
        }
        this.changed();
      }),
    ];
  }

  /** Subscribe to "the view may have changed"; read panelState()/statusFacts() when you render. */
  onChange(listener: () => void): Disposable {
    return this.emitter.on('change', listener);
  }

  input(): ViewInput {
    const now = this.clock.now();
    return {
      status: this.controller.status(),
      snapshot: this.snapshot,
      throughput: this.throughput.values(),
      now,
      stalledMs: this.sends.observe(this.snapshot, now),
      displayPath: this.displayPath,
    };
  }

  panelState(): PanelState {
    return toPanelState(this.input());
  }

  statusFacts(): StatusFacts {
    return toStatusFacts(this.input());
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.emitter.dispose();
  }

  private changed(): void {
    this.emitter.emit('change', undefined);
  }
}
