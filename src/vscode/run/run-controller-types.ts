import type { ModelCaller } from '../../core/api/types';
import type { Clock } from '../../core/clock';
import type { ErrorKind } from '../../core/errors';
import type { BatchProgress, RunSnapshot, RunState, RunSummary } from '../../core/generate/run/run-types';
import type { PromptFile } from '../../core/generate/types';
import type { Health } from '../../core/limiter/types';
import type { PauseReason } from '../../core/queue/events';
import type { ForgeConfig } from '../config';
import type { EndpointProvider } from '../endpoint';
import type { LogSink, Ui } from '../ports';
import type { MarkNew } from './mark-after-run';

/** The RunController's vocabulary, shared with its helpers and its readers (panel, status bar, notifications). */
export type ControllerPhase = 'idle' | 'starting' | RunState;

export interface ControllerStatus {
  readonly phase: ControllerPhase;
  /** The run (or the last run) is a dry run against the built-in simulator. */
  readonly simulated: boolean;
  readonly health: Health;
  /** While a 429 pause holds dispatch: when it ends (epoch ms, controller clock). */
  readonly pausedUntil?: number;
  readonly pauseReason?: PauseReason;
  /** Prompt files of the current (or last) run. */
  readonly files: readonly string[];
  /** The last finished run's summary, until the next run starts. */
  readonly summary?: RunSummary;
}

/** Transitions worth telling the user about; notifications.ts decides which to show. */
export type RunNotice =
  | { readonly type: 'started'; readonly simulated: boolean; readonly files: readonly string[] }
  | { readonly type: 'added'; readonly batches: readonly BatchProgress[] }
  | { readonly type: 'health'; readonly health: Health }
  | { readonly type: 'rateLimitPaused'; readonly until?: number; readonly kind?: ErrorKind }
  | { readonly type: 'rateLimitResumed' }
  | { readonly type: 'finished'; readonly summary: RunSummary; readonly simulated: boolean }
  | { readonly type: 'stopped'; readonly summary: RunSummary; readonly kind: ErrorKind; readonly message: string };

export interface ControllerEvents {
  /** status() changed (phase, pause, health). */
  state: ControllerStatus;
  /** A fresh snapshot; coalesced to at most one per `snapshotIntervalMs`. */
  snapshot: RunSnapshot;
  notice: RunNotice;
}

/** Why a generate call did nothing, or what it did. */
export type GenerateOutcome =
  | { readonly ok: true; readonly joined: boolean; readonly batches: readonly BatchProgress[]; readonly done: Promise<RunSummary> }
  | { readonly ok: false; readonly reason: 'no-key' | 'no-files' | 'prompt-changed' | 'error'; readonly message: string };

/** A small record in workspaceState so an unfinished run can be offered for resumption. */
export interface RunRecord {
  readonly files: readonly string[];
  readonly finished: boolean;
  readonly simulated: boolean;
  readonly at: number;
}

export interface RunControllerDeps {
  clock: Clock;
  /** This process's event-loop lag in ms, for the limiter's transit allowance (absent in tests on a fake clock). */
  loopLag?: () => number;
  config: () => ForgeConfig;
  endpoints: EndpointProvider;
  log: LogSink;
  /** Persists the run record (workspaceState). */
  saveRecord?: (record: RunRecord) => Promise<void> | void;
  /** Injected in tests instead of the SDK caller. */
  caller?: ModelCaller;
  /** Re-reads and validates prompt files (Retry Failed re-runs them as they are now on disk). */
  loadFiles?: (paths: readonly string[]) => Promise<{ ok: true; files: readonly PromptFile[] } | { ok: false; message: string }>;
  /** Default 250 (at most 4 snapshots a second). */
  snapshotIntervalMs?: number;
  /** The duplicate marking after a run shows a cancellable notification when it takes a while. */
  ui?: Pick<Ui, 'withProgress'>;
  /** Injected in tests instead of the incremental marking. */
  markDuplicates?: MarkNew;
}

export interface GenerateOptions {
  retryFailed?: boolean;
  /** Generate a changed prompt file's new version next to its earlier conversations. */
  allowNewVersion?: boolean;
}
