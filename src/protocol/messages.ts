// The one message map shared by the extension host and the queue panel webview.
// Plain serialisable view-model types only: no vscode, node or engine imports, so the
// webview bundle can import this file and the engine can change without touching the UI.
//
// Host contract (the panel relies on it):
// - Validate everything the webview posts with isWebviewMessage and drop the rest.
// - On `ready` send a full `state` at once: the panel is showing what it restored from
//   getState, which may be stale. Afterwards send full `state` snapshots, coalesced to a
//   few per second; the pause countdown ticks in the panel, so no snapshots are needed for it.
// - Answer each `requestJobs` with one `jobs` page that echoes offset, limit and filter
//   exactly; the panel drops pages that do not match its current query. While a run is
//   running or paused the panel re-asks for its page at most every 2 s (on state arrival),
//   so the host never has to push pages.

export * from './states';
import type { Health, RunState, PauseReason, Pace, HeldBackBy, Priority, BatchState, JobState, EventLevel, LimitDimension } from './states';

export interface LimitGauge {
  /** Per-minute limit from the response headers; null until the first response reports it. */
  limit: number | null;
  /** 0..1 of the limit used in the current window. */
  utilization: number;
  health: Health;
}

/**
 * Forge holding itself below the limits, and why: `learning` — the limits are a guess and one probe
 * is out until the API's first rate-limit headers; `unexplained_429` — after a 429 the headers did
 * not explain, the rate runs at `share` of the limit and climbs back as answers come in.
 */
export type SelfThrottleReason = 'learning' | 'unexplained_429';
export const SELF_THROTTLE_REASONS: readonly SelfThrottleReason[] = ['learning', 'unexplained_429'];
export interface SelfThrottle {
  share: number;
  reason: SelfThrottleReason;
}

/** The budget is shared with other Forge processes (same API key): who, how many, and whether reachable. */
export type SharingScope = 'local' | 'redis';
export const SHARING_SCOPES: readonly SharingScope[] = ['local', 'redis'];

export interface SharingView {
  /** `local`: this user's processes on this machine; `redis`: across machines. */
  scope: SharingScope;
  /** Processes seen using the budget in the last 30 s, this one included. */
  processes: number;
  /** False while the shared store is out of reach: the run waits, nothing is sent unmetered. */
  reachable: boolean;
  /** Why it is out of reach, one line; null when reachable. */
  problem: string | null;
}

export interface Progress {
  total: number;
  queued: number;
  active: number;
  maxActive: number;
  succeeded: number;
  failed: number;
  retrying: number;
  skipped: number;
}

/** What the ETA goes by: the learned limits alone (a young run), the measured pace alone (no limit heard yet), or both. */
export type EtaBasis = 'limits' | 'measured' | 'both';
export const ETA_BASES: readonly EtaBasis[] = ['limits', 'measured', 'both'];

/**
 * The work of a run counted in requests (steps: each message of a `turns` conversation is one), the
 * engine's one progress figure (core run-progress.ts): the CLI, the status bar and the panel show it.
 */
export interface WorkView {
  stepsDone: number;
  stepsTotal: number;
  /** Share of the work done, each step weighted by its time at the binding limit, 0..1. */
  fraction: number;
  /** null while there is no ETA. */
  etaBasis: EtaBasis | null;
  /** The limit the remaining work is bound by, once the server reported it; with its figure per minute. */
  binding: LimitDimension | null;
  bindingPerMinute: number | null;
  /** The run's Message Batch requests (counted in `fraction`, not in the steps); null when it has none. */
  messageBatches: { requests: number; done: number; waiting: boolean } | null;
}

/** How far the pre-run estimate was off, for a finished run (percent: (estimated - actual) / actual). */
export interface EstimateCheckView {
  estimatedSeconds: number;
  actualSeconds: number;
  timeErrorPercent: number;
  estimatedUsd: number;
  actualUsd: number;
  /** null when nothing was spent. */
  costErrorPercent: number | null;
  /** The ETA shown when a fifth of the work was done, against the time then actually left. */
  etaAtFifth: { etaSeconds: number; actualSeconds: number; errorPercent: number } | null;
  /** The run waited on Message Batches, whose time has no estimate. */
  messageBatches: boolean;
}

/** US dollars. */
export interface Cost {
  spent: number;
  /** Projected cost of the whole run; null until enough jobs finished to project. */
  estimate: number | null;
  budget?: number;
  /** Prompt caching, once anything was read from the cache: share of input read (0..1) and money saved. */
  cache?: { readShare: number; savedUsd: number };
}

export interface BatchRow {
  id: string;
  name: string;
  /** Relative to the workspace folder when inside one. */
  sourceFile: string;
  priority: Priority;
  state: BatchState;
  total: number;
  succeeded: number;
  failed: number;
  queued: number;
}

/** A Message Batch's state at Anthropic; `submitting`: the intent is journaled, `create` has not answered. */
export type MessageBatchState = 'submitting' | 'in_progress' | 'canceling' | 'ended';
export const MESSAGE_BATCH_STATES: readonly MessageBatchState[] = ['submitting', 'in_progress', 'canceling', 'ended'];

/** One Message Batch of a batch-mode prompt file, shown next to the online queue. */
export interface MessageBatchRow {
  /** Null while submitting. */
  id: string | null;
  /** Relative to the workspace folder when inside one. */
  sourceFile: string;
  state: MessageBatchState;
  requests: number;
  /** The API's counts, known once the whole batch has ended; null before. */
  counts: { processing: number; succeeded: number; errored: number; canceled: number; expired: number } | null;
  /** Conversations of this batch written to the dataset by this run. */
  written: number;
  /** Epoch ms (host clock). */
  submittedAt: number;
  /** Epoch ms (host clock); null while submitting. */
  expiresAt: number | null;
}

export interface PanelEvent {
  /** Epoch ms; of the newest occurrence when `count` > 1. */
  at: number;
  level: EventLevel;
  message: string;
  /** Identical events in a row shown as one row (absent: 1). */
  count?: number;
}

export interface PanelState {
  /** Dry run against the simulator: nothing is billed. */
  simulated: boolean;
  runState: RunState;
  /** Epoch ms (host clock) when an automatic pause ends; null when not paused or paused by the user. */
  pausedUntil: number | null;
  pauseReason: PauseReason | null;
  /** Gauges read the shared utilization (every process's consumption) when `sharing` is set. */
  limits: Record<LimitDimension, LimitGauge>;
  /** Absent when this process has the budget to itself. */
  sharing?: SharingView;
  /** The highest utilization level of the gauges (not a verdict: see `pace`). */
  health: Health;
  /** Set while Forge holds a model class below its limits on its own account (the lowest share). */
  selfThrottle?: SelfThrottle;
  pace: Pace;
  /** Set exactly when `pace` is `heldBack`. */
  heldBackBy: HeldBackBy | null;
  /** One sentence: which pace state holds and why (the header and the status bar tooltip). */
  paceText: string;
  progress: Progress;
  /** Time left, from the engine's one ETA (`etaMs`); null while it is not known yet. */
  etaSeconds: number | null;
  /** Requests done and left, weighted by the binding limit; absent before a run. */
  work?: WorkView;
  /** A finished run's estimate against what happened; absent otherwise. */
  estimateCheck?: EstimateCheckView;
  cost: Cost;
  /** Completions per minute, oldest first, at most the last 60 points. */
  throughput: number[];
  batches: BatchRow[];
  /** Message Batches of batch-mode files (absent: none in this run). */
  messageBatches?: MessageBatchRow[];
  /** At most 100, newest first. */
  events: PanelEvent[];
  /** Epoch ms (host clock) when this snapshot was taken; lets the webview correct clock skew. */
  lastUpdated: number;
}

export interface JobFilter {
  state?: JobState;
  batchId?: string;
}

export interface JobRow {
  id: string;
  batchId: string;
  priority: Priority;
  state: JobState;
  /** Attempts made (counted from 1); 0 for a job not tried yet. */
  attempts: number;
  lastError: string | null;
  /** Relative to the workspace folder when inside one. */
  sourceFile: string;
}

/** One page of the job grid, echoing the query it answers so stale pages can be dropped. */
export interface JobsPage {
  offset: number;
  limit: number;
  filter: JobFilter;
  /** Jobs matching the filter, across all pages. */
  total: number;
  rows: JobRow[];
}

export const MAX_JOBS_PAGE = 500;

/** host -> webview, keyed by `type`. */
export interface HostMessageMap {
  state: { type: 'state'; state: PanelState };
  jobs: { type: 'jobs'; page: JobsPage };
}
export type HostMessage = HostMessageMap[keyof HostMessageMap];

/** webview -> host, keyed by `type`. */
export interface WebviewMessageMap {
  ready: { type: 'ready' };
  pause: { type: 'pause' };
  resume: { type: 'resume' };
  cancel: { type: 'cancel' };
  /** Without batchId: every failed job of the run. */
  retryFailed: { type: 'retryFailed'; batchId?: string };
  setBatchPriority: { type: 'setBatchPriority'; batchId: string; priority: Priority };
  pauseBatch: { type: 'pauseBatch'; batchId: string };
  resumeBatch: { type: 'resumeBatch'; batchId: string };
  cancelBatch: { type: 'cancelBatch'; batchId: string };
  requestJobs: { type: 'requestJobs'; offset: number; limit: number; filter?: JobFilter };
  openDataset: { type: 'openDataset'; batchId: string };
}
export type WebviewMessage = WebviewMessageMap[keyof WebviewMessageMap];
