import type { Clock, TimerHandle } from '../../core/clock';
import type { DiagnosticsSink, Disposable, LogSink, Workspace } from '../ports';
import { groupByFile, validateWorkspace, type Validated } from './prompt-files';

/**
 * Prompt-file problems in the Problems panel: every workspace file on activation, again as the
 * user types (debounced) and saves. Cross-file checks need every file, so each pass validates the
 * whole set (open editors' unsaved text included) and replaces what is shown.
 */
export class PromptDiagnostics implements Disposable {
  private timer?: TimerHandle;
  private running?: Promise<Validated>;
  private again = false;
  private disposed = false;

  constructor(
    private readonly workspace: Workspace,
    private readonly sink: DiagnosticsSink,
    private readonly clock: Clock,
    private readonly log: LogSink,
    private readonly debounceMs = 300,
  ) {}

  /** Validates now and publishes; concurrent calls share one pass (and one more after it). */
  async refresh(extra: readonly string[] = []): Promise<Validated> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        let result: Validated;
        do {
          this.again = false;
          result = await validateWorkspace(this.workspace, extra);
          if (!this.disposed) this.sink.replaceAll(groupByFile(result));
        } while (this.again && !this.disposed);
        return result;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** A prompt file changed in an editor: validate after the user pauses typing. */
  changed(): void {
    if (this.disposed) return;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.refresh().catch((e: unknown) => this.log.warn(`validating prompt files failed: ${e instanceof Error ? e.message : String(e)}`));
    }, this.debounceMs);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.sink.clear();
  }
}
