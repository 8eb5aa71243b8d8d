import { existsSync } from 'node:fs';
import { markNewDuplicates } from '../../core/dataset/mark-new-duplicates';
import { classify } from '../../core/errors';
import type { RunSummary } from '../../core/generate/run/run-types';
import type { LogSink } from '../ports';

/** After a run, as the CLI does: near-duplicates across its datasets are marked in their journals. Never throws. */
export async function markAfterRun(summary: RunSummary, log: LogSink, threshold?: number): Promise<void> {
  if (summary.generated === 0 || summary.state === 'cancelled') return;
  const datasets = [...new Set(summary.datasets.map((d) => d.path))].filter((d) => existsSync(d));
  try {
    // Incremental: only the run's new conversations are read, compared with each dataset's index.
    const { search, marked } = await markNewDuplicates(datasets, threshold);
    if (search.found.length > 0) {
      log.info(
        `duplicates: ${search.found.length} near-duplicate(s) at Jaccard ≥ ${search.threshold} across the run's datasets, ${marked} newly marked in the journal (Find Duplicates… drops or regenerates them)`,
      );
    }
  } catch (error) {
    log.warn(`duplicates were not marked: ${classify(error).message}`);
  }
}
