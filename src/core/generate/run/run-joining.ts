import { ForgeError } from '../../errors';
import type { DispatchWake } from './run-dispatch';
import { admitFiles, type FileAdmissionInput } from './run-file-admission';
import type { RunPlans } from './run-plans';
import { isRunEnded } from './run-transitions';
import type { BatchProgress, RunState } from './run-types';
import type { PromptFile } from '../types';

export interface JoiningInput {
  readonly admission: FileAdmissionInput;
  readonly plans: RunPlans;
  readonly wake: DispatchWake;
  state(): RunState;
  /** The run's `batches` event. */
  added(batches: BatchProgress[]): void;
}

/**
 * Prompt files joining a run (a run started while another runs joins it, behind it at its
 * priority). A file whose batch is already part of the run is refused, and so is one whose dataset
 * holds conversations of an earlier version of its batch unless `allowNewVersion` (version-guard.ts).
 * A refusal adds none of the files.
 */
export class FileJoining {
  /** Files being added (their datasets opening): the run waits for them before it may end. */
  readonly pending = new Set<Promise<unknown>>();
  /** Set once the run has begun to end: files can no longer join it. */
  private closed = false;

  constructor(private readonly i: JoiningInput) {}

  /** Whether prompt files can still join the run (it has not begun to end). */
  get accepts(): boolean {
    return !this.closed && !isRunEnded(this.i.state());
  }

  /** The run has begun to end. */
  close(): void {
    this.closed = true;
  }

  add(files: readonly PromptFile[]): Promise<BatchProgress[]> {
    if (this.closed) return Promise.reject(new ForgeError('invalid_request', 'the run is ending: start a new one'));
    // The run does not end while files are being added: their datasets open asynchronously, and a
    // run that drained meanwhile would otherwise close without them.
    const joining = this.addNow(files);
    this.pending.add(joining);
    joining.then(
      () => this.pending.delete(joining),
      () => this.pending.delete(joining),
    );
    return joining;
  }

  private async addNow(files: readonly PromptFile[]): Promise<BatchProgress[]> {
    const state = this.i.state();
    if (isRunEnded(state)) throw new ForgeError('invalid_request', `the run has ${state}: start a new one`);
    const added = await admitFiles(this.i.admission, files);
    this.i.added(added);
    if (this.i.state() === 'running' || this.i.state() === 'paused') {
      this.i.plans.feed();
      this.i.wake.wake();
    }
    return added;
  }
}
