import type { GenerationRun } from '../../core/generate/run/generation-run';
import type { RunSnapshot, RunSummary } from '../../core/generate/run/run-types';

export interface FinishedRun {
  readonly run: GenerationRun;
  readonly snapshot?: RunSnapshot;
  readonly summary: RunSummary;
  readonly files: string[];
  readonly simulated: boolean;
}

/**
 * The last finished run stays readable (jobs, batches, its final snapshot, its failures for Retry
 * Failed) after it ends, so the panel can still page through it; its engine is released only when
 * the next run ends, or with the controller.
 */
export class LastRun {
  private entry?: FinishedRun;

  get run(): GenerationRun | undefined {
    return this.entry?.run;
  }

  get snapshot(): RunSnapshot | undefined {
    return this.entry?.snapshot;
  }

  get summary(): RunSummary | undefined {
    return this.entry?.summary;
  }

  keep(next: FinishedRun): void {
    if (this.entry && this.entry.run !== next.run) this.entry.run.dispose();
    this.entry = next;
  }

  /** Prompt files whose batches recorded failures (only `batchId`'s, when given). */
  failedFiles(batchId?: string): string[] {
    if (!this.entry) return [];
    return this.entry.run
      .listBatches()
      .filter((b) => (b.failed > 0 || b.skippedFailed > 0) && (batchId === undefined || b.id === batchId))
      .map((b) => b.sourceFile);
  }

  dispose(): void {
    this.entry?.run.dispose();
  }
}
