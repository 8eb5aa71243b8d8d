import { classify } from '../../core/errors';
import type { GenerationRun } from '../../core/generate/run/generation-run';
import type { BatchProgress, RunSnapshot, RunSummary } from '../../core/generate/run/run-types';
import type { PromptFile } from '../../core/generate/types';
import type { TypedEmitter } from '../../core/queue/typed-emitter';
import { engineSettings } from '../config';
import type { LastRun } from './last-run';
import type { BackgroundMarking } from './background-marking';
import { valuesForJoining } from './join-values';
import { openRun, type LiveRun } from './live-run';
import type { Disposable } from '../ports';
import type { ControllerEvents, GenerateOptions, GenerateOutcome, RunControllerDeps } from './run-controller-types';
import { estimateInBackground } from './run-estimate';
import { attachRunLog, logRunEnded, logRunStarted } from './run-log';
import { watchRun } from './run-notices';
import { recordRun } from './run-record';
import type { RunStatus } from './run-status';
import type { SnapshotPump } from './snapshot-pump';

/** The parts of the controller (run-controller.ts) one run's lifetime reaches. */
export interface RunHost {
  readonly deps: RunControllerDeps;
  readonly state: RunStatus;
  readonly snapshots: SnapshotPump;
  readonly last: LastRun;
  readonly emitter: TypedEmitter<ControllerEvents>;
  /** The duplicate marking after a run, in the background. */
  readonly marking: BackgroundMarking;
  /** The run in progress: set when one opens, cleared when it ends. */
  setActive(active: LiveRun | undefined): void;
  /** Re-reads the status from the run in progress. */
  refreshStatus(): void;
}

/**
 * Opens a run over `files` and starts it: its log, notices and background estimate go into the
 * run's own bucket of disposables, and its end (finishRun) resolves the outcome's `done`.
 */
export async function startRun(host: RunHost, files: readonly PromptFile[], options: GenerateOptions): Promise<GenerateOutcome> {
  // The run needs its datasets' locks; the marking after it covers what this one had not finished.
  await host.marking.supersede();
  const paths = files.map((f) => f.path);
  const opened = await openRun(
    host.deps,
    files,
    options,
    (simulated) => host.state.set({ phase: 'starting', simulated, health: 'healthy', files: paths }),
    () => host.state.set({ phase: 'idle', simulated: false, health: 'healthy', files: [] }),
  );
  if (!opened.ok) return opened.outcome;
  const { run, limiter, endpoint, caller, counter, duplicatePrep } = opened;
  const disposables: Disposable[] = [];
  let resolveDone!: (s: RunSummary) => void;
  const done = new Promise<RunSummary>((r) => (resolveDone = r));
  const active: LiveRun = { run, limiter, endpoint, caller, counter, duplicatePrep, disposables, done, files: [...paths] };
  host.setActive(active);
  host.snapshots.latest = undefined;
  disposables.push(
    attachRunLog(run, host.deps.log, () => host.deps.clock.now()),
    ...watch(host, run),
    estimate(host, active, run.listBatches()),
  );
  const simulated = endpoint.endpoint.simulated;
  logRunStarted(host.deps.log, run, paths, simulated);
  await recordRun(host.deps, active.files, false, simulated);
  host.emitter.emit('notice', { type: 'started', simulated, files: paths });
  const started = run.start();
  host.state.set({ phase: run.state, simulated, health: 'healthy', files: paths });
  host.snapshots.start();
  void started
    .catch((error: unknown) => {
      host.deps.log.error(`run failed: ${classify(error).message}`);
      return run.summary();
    })
    .then((summary) => finishRun(host, active, summary))
    .then(resolveDone, () => resolveDone(run.summary()));
  return { ok: true, joined: false, batches: run.listBatches(), done };
}

/** Adds `files` to the run in progress (behind it at their priority). */
export async function joinRun(host: RunHost, active: LiveRun, files: readonly PromptFile[]): Promise<GenerateOutcome> {
  try {
    // Its missing variable values first, within (and charged to) the run's budget.
    const ready = await valuesForJoining(active, files, host.deps);
    const batches = await active.run.addFiles(ready);
    active.disposables.push(estimate(host, active, batches));
    for (const f of files) if (!active.files.includes(f.path)) active.files.push(f.path);
    host.state.setQuietly({ ...host.state.current, files: [...active.files] });
    await recordRun(host.deps, active.files, false, host.state.current.simulated);
    host.emitter.emit('notice', { type: 'added', batches });
    host.state.announce();
    host.snapshots.markDirty();
    return { ok: true, joined: true, batches, done: active.done };
  } catch (error) {
    return { ok: false, reason: 'error', message: classify(error).message };
  }
}

/**
 * A run ended: its bucket is emptied and its endpoint closed, it stays readable as the last run,
 * and the log, the record, the status and the notices say how it ended.
 */
async function finishRun(host: RunHost, active: LiveRun, summary: RunSummary): Promise<RunSummary> {
  const simulated = active.endpoint.endpoint.simulated;
  let snapshot: RunSnapshot | undefined;
  try {
    snapshot = await active.run.snapshot();
  } catch {
    snapshot = host.snapshots.latest;
  }
  host.snapshots.stop();
  for (const d of active.disposables.splice(0)) d.dispose();
  await active.endpoint.close().catch(() => undefined);
  host.setActive(undefined);
  host.snapshots.latest = undefined;
  host.last.keep({ run: active.run, ...(snapshot ? { snapshot } : {}), summary, files: active.files, simulated });
  logRunEnded(host.deps.log, summary, simulated);
  await recordRun(host.deps, active.files, summary.state === 'finished', simulated);
  host.state.set({ phase: summary.state, simulated, health: 'healthy', files: active.files, summary });
  if (snapshot) host.emitter.emit('snapshot', snapshot);
  if (summary.stopReason) {
    host.emitter.emit('notice', { type: 'stopped', summary, kind: summary.stopReason.kind, message: summary.stopReason.message });
  } else if (summary.state === 'finished') {
    host.emitter.emit('notice', { type: 'finished', summary, simulated });
  }
  host.marking.schedule(summary, active.duplicatePrep);
  return summary;
}

function estimate(host: RunHost, active: LiveRun, batches: readonly BatchProgress[]): Disposable {
  return estimateInBackground(active.run, batches, active.counter, engineSettings(host.deps.config()), host.deps.log);
}

function watch(host: RunHost, run: GenerationRun): Disposable[] {
  return watchRun(run, {
    dirty: () => host.snapshots.markDirty(),
    refresh: () => host.refreshStatus(),
    health: (health) => host.state.set({ ...host.state.current, health }),
    notice: (notice) => host.emitter.emit('notice', notice),
  });
}
