import type { PromptFile } from '../../core/generate/types';
import { datasetPathFor } from '../../core/generate/run/dataset-path';
import { pendingMessageBatches } from '../../core/message-batches/pending-batches';
import type { Ui } from '../ports';

export const COLLECT = 'Collect';

/**
 * On activation: Message Batches that an earlier run (or a closed window) left at Anthropic are
 * announced with how many are pending, and collected on request by a run over their prompt files
 * (which resumes each batch where it is and writes its results once).
 */
export async function offerMessageBatchPickup(
  files: readonly PromptFile[],
  simulated: boolean,
  ui: Pick<Ui, 'info'>,
  collect: (files: readonly PromptFile[]) => Promise<void>,
): Promise<number> {
  const pending = files.map((f) => ({ f, n: pendingMessageBatches(datasetPathFor(f, { simulated }), f.name) })).filter((p) => p.n > 0);
  const batches = pending.reduce((n, p) => n + p.n, 0);
  if (batches === 0) return 0;
  const names = pending.map((p) => p.f.name).join(', ');
  const choice = await ui.info(
    `Conversation Forge: ${batches} Message Batch${batches === 1 ? '' : 'es'} from an earlier run (${names}) still processing or not yet collected. Collect them now? They keep processing at Anthropic either way.`,
    COLLECT,
  );
  if (choice === COLLECT) await collect(pending.map((p) => p.f));
  return batches;
}
