import { existsSync } from 'node:fs';
import { findDuplicates, markDuplicates } from '../../core/dataset/duplicate-marks';
import { classify } from '../../core/errors';
import type { RunSummary } from '../../core/generate/run/run-types';
import type { LogSink } from '../ports';

/** After a run, as the CLI does: near-duplicates across its datasets are marked in their journals. Never throws. */
export async function markAfterRun(summary: RunSummary, log: LogSink, threshold?: number): Promise<void> {
  if (summary.generated === 0 || summary.state === 'cancelled') return;
  const datasets = [...new Set(summary.datasets.map((d) => d.path))].filter((d) => existsSync(d));
  try {
    const search = await findDuplicates(datasets, threshold);
    const { marked } = await markDuplicates(search);
    if (search.found.length > 0) {
      log.info(
        `duplicates: ${search.found.length} near-duplicate(s) at Jaccard ≥ ${search.threshold} across the run's datasets, ${marked} newly marked in the journal (Find Duplicates… drops or regenerates them)`,
      );
    }
  } catch (error) {
    log.warn(`duplicates were not marked: ${classify(error).message}`);
  }
}
