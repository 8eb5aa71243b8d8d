import type { ClassifiedError } from '../../errors';
import type { RunParts } from './run-parts';
import type { RunState } from './run-types';

/**
 * What a run does once dispatch is over: Message Batches still out are waited for and closed, the
 * datasets flushed and unlocked. Returns what stopped the run, if anything: the run's own reason
 * first, then the processor's, the Message Batches', and a dataset that could not be written.
 */
export async function settleRun(
  parts: Pick<RunParts, 'processor' | 'messageBatches' | 'datasets'>,
  stopError: ClassifiedError | undefined,
): Promise<ClassifiedError | undefined> {
  const { processor, messageBatches, datasets } = parts;
  if (messageBatches.count > 0) {
    await messageBatches.settled();
    await messageBatches.close();
  }
  await datasets.close();
  return stopError ?? processor.stats.stopError ?? messageBatches.stopError ?? datasets.writeError;
}

/** The state a run ends in, from what stopped it (nothing: it finished). */
export function endStateOf(stop: ClassifiedError | undefined): RunState {
  return stop?.kind === 'cancelled' ? 'cancelled' : stop ? 'stopped' : 'finished';
}
