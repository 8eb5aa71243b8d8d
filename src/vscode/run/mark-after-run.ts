import type { PreparedDuplicates } from '../../core/dataset/duplicate-prep';
import { markNewDuplicates, type NewDuplicatesOutcome } from '../../core/dataset/mark-new-duplicates';
import { classify } from '../../core/errors';
import type { LogSink } from '../ports';

export type MarkNew = (
  datasets: readonly string[],
  threshold: number | undefined,
  signal: AbortSignal,
  prepared: readonly PreparedDuplicates[],
) => Promise<NewDuplicatesOutcome>;

export const markNew: MarkNew = (datasets, threshold, signal, prepared) => markNewDuplicates(datasets, threshold, signal, prepared);

/**
 * As the CLI does after a run: near-duplicates across the run's datasets are marked in their
 * journals, incrementally (only the conversations the index does not know are read). Never throws.
 * A marking stopped (`signal`) or failed appends nothing and saves no index, so its conversations
 * stay unknown and the next marking compares them: an interrupted marking is harmless.
 */
export async function markAfterRun(
  datasets: readonly string[],
  log: LogSink,
  threshold: number | undefined,
  signal: AbortSignal,
  mark: MarkNew = markNew,
  prepared: readonly PreparedDuplicates[] = [],
): Promise<'marked' | 'stopped' | 'failed'> {
  try {
    const { search, marked } = await mark(datasets, threshold, signal, prepared);
    if (search.found.length > 0) {
      log.info(
        `duplicates: ${search.found.length} near-duplicate(s) at Jaccard ≥ ${search.threshold} across the run's datasets, ${marked} newly marked in the journal (Find Duplicates… drops or regenerates them)`,
      );
    }
    return 'marked';
  } catch (error) {
    if (signal.aborted) return 'stopped';
    log.warn(`duplicates were not marked: ${classify(error).message} (the next marking after a run compares these conversations again)`);
    return 'failed';
  }
}
