import { classify } from '../../core/errors';
import type { StateStore, Ui } from '../ports';
import type { RunControllerDeps, RunRecord } from './run-controller-types';

/** The last run's prompt files and whether it finished, kept in workspaceState. */
export const RUN_RECORD_KEY = 'conversationForge.lastRun';

export function readRecord(state: StateStore): RunRecord | undefined {
  const r = state.get<RunRecord>(RUN_RECORD_KEY);
  if (!r || !Array.isArray(r.files) || typeof r.finished !== 'boolean') return undefined;
  return r;
}

export function saveRecord(state: StateStore, record: RunRecord): Promise<void> {
  return state.update(RUN_RECORD_KEY, record);
}

/**
 * Saves the record through the controller's `saveRecord` (workspaceState in the extension), stamped
 * with the controller clock. A record that cannot be saved only costs the resume offer: logged, not thrown.
 */
export async function recordRun(
  deps: Pick<RunControllerDeps, 'saveRecord' | 'clock' | 'log'>,
  files: readonly string[],
  finished: boolean,
  simulated: boolean,
): Promise<void> {
  try {
    await deps.saveRecord?.({ files: [...files], finished, simulated, at: deps.clock.now() });
  } catch (error) {
    deps.log.warn(`could not save the run record: ${classify(error).message}`);
  }
}

export const RESUME = 'Resume';
export const DISCARD = 'Discard';

/**
 * On activation: an unfinished run (cancelled, stopped, or cut short by a window reload) is offered
 * for resumption; finished work is skipped by the datasets' own resume logic.
 */
export async function offerResume(
  state: StateStore,
  ui: Ui,
  resume: (files: readonly string[]) => Promise<void>,
): Promise<'resumed' | 'discarded' | 'none'> {
  const record = readRecord(state);
  if (!record || record.finished || record.files.length === 0) return 'none';
  const n = record.files.length;
  const choice = await ui.info(
    `Conversation Forge: the last ${record.simulated ? 'dry run' : 'run'} (${n} prompt file${n === 1 ? '' : 's'}) did not finish. Resume it? Conversations already written are skipped.`,
    RESUME,
    DISCARD,
  );
  if (choice === RESUME) {
    await resume(record.files);
    return 'resumed';
  }
  if (choice === DISCARD) {
    await saveRecord(state, { ...record, finished: true });
    return 'discarded';
  }
  return 'none';
}
