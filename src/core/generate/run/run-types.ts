import type { ModelCaller } from '../../api/types';
import type { Clock } from '../../clock';
import type { RateLimiter, LimiterSnapshot } from '../../limiter/types';
import type { ModelOverrides } from '../../models';
import type { FsyncPolicy } from '../output';
import type { ConversationJob } from './run-jobs';
import type { ErrorKind } from '../../errors';
import type { MetricsSnapshot } from '../../metrics/metrics';
import type { Priority } from '../../queue/types';
import type { EstimateCheck } from './estimate-check';
import type { WorkProgress } from './run-progress';

import type { MessageBatchSettings } from '../../message-batches/run-message-batches';
import type { MessageBatchSnapshot } from '../../message-batches/snapshot';
import type { GenerationMode } from '../types';
import type { DuplicatePrep } from '../../dataset/duplicate-prep';

export type RunState = 'ready' | 'running' | 'paused' | 'finished' | 'stopped' | 'cancelled';

/** Whether a batch takes part in dispatch: `paused` (pauseBatch) can resume, `cancelled` (cancelBatch) cannot. */
export type BatchControl = 'active' | 'paused' | 'cancelled';

/** Progress of one prompt file (batch) in a run. */
export interface BatchProgress {
  readonly id: string;
  readonly sourceFile: string;
  readonly datasetPath: string;
  priority: Priority;
  /** Conversations the file asks for. */
  readonly total: number;
  /** Already in the dataset when the run started. */
  readonly skipped: number;
  /** Recorded as failed by an earlier run and not retried now. */
  readonly skippedFailed: number;
  /** Written by this run. */
  generated: number;
  failed: number;
  /** How the file's conversations are generated (absent: online). */
  readonly mode?: GenerationMode;
  /** Held back by pauseBatch (resumable) or dropped by cancelBatch (left for a later run); see run-transitions.ts. */
  control: BatchControl;
}

export interface RunSummary {
  readonly state: RunState;
  readonly total: number;
  readonly generated: number;
  readonly skipped: number;
  readonly failed: number;
  /** Recorded as failed by an earlier run and not retried (pass retryFailed to retry them). */
  readonly skippedFailed: number;
  /** Left unfinished (stopped or cancelled run): a re-run picks them up. */
  readonly remaining: number;
  readonly requests: number;
  readonly rateLimited: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheCreationInputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly costUsd: number;
  /** What prompt caching saved against the plain input price (absent: nothing was cached). */
  readonly cacheSavingsUsd?: number;
  readonly wallSeconds: number;
  readonly stopReason?: { readonly kind: ErrorKind; readonly message: string };
  /** A finished run with a pre-run estimate: how far its time and cost were off (estimate-check.ts). */
  readonly estimateCheck?: EstimateCheck;
  readonly datasets: readonly { readonly batch: string; readonly path: string; readonly generated: number }[];
  /** Batch-mode files' Message Batches: how many, how many still processing at Anthropic (left for a later run), HTTP calls spent. */
  readonly messageBatches?: {
    readonly batches: number;
    /** Requests submitted in them (a `turns` conversation's messages each count), beside `requests` online. */
    readonly requests: number;
    readonly processing: number;
    readonly costUsd: number;
    readonly calls: Readonly<Record<string, number>>;
  };
}

export interface RunSnapshot {
  readonly state: RunState;
  readonly simulated: boolean;
  readonly startedAt?: number;
  readonly batches: readonly BatchProgress[];
  readonly metrics: MetricsSnapshot;
  /** Steps (requests) done and left, weighted by the binding limit, and the one ETA (run-progress.ts). */
  readonly progress: WorkProgress;
  readonly limiters: readonly LimiterSnapshot[];
  readonly budgetUsd?: number;
  readonly estimateUsd?: number;
  /** The run's Message Batches (batch-mode files), next to the online queue. */
  readonly messageBatches: readonly MessageBatchSnapshot[];
  /** What Message Batches cost so far (batch prices); `metrics.costUsd` is the online part. */
  readonly messageBatchCostUsd: number;
}

export interface GenerationRunOptions {
  clock: Clock;
  caller: ModelCaller;
  limiter: RateLimiter;
  outDir?: string;
  /** A dry run against the simulator: datasets are written as `x.simulated.jsonl`. */
  simulated?: boolean;
  retryFailed?: boolean;
  maxConcurrency?: number;
  maxAttempts?: number;
  /** How an unreachable endpoint is waited out: patience, and the endpoint's name for messages (queue/outage.ts). */
  outage?: { patienceMs?: number; endpoint?: string };
  budgetUsd?: number;
  modelOverrides?: ModelOverrides;
  /** Jitter source for backoff; injected so tests are deterministic. */
  random?: () => number;
  backoff?: { baseMs: number; maxMs: number };
  fsync?: FsyncPolicy;
  /**
   * Generate a prompt file's new version into a dataset that holds conversations of an earlier
   * version of the same batch (CLI `--new-version`). Without it such a file is refused.
   */
  allowNewVersion?: boolean;
  /** Overrides every prompt file's `mode` (CLI `--mode`). */
  mode?: GenerationMode;
  /** The Message Batches API for batch-mode files (absent: such a file is refused). */
  messageBatches?: MessageBatchSettings;
  /** Prepares each written conversation for the near-duplicate marking after the run (duplicate-prep.ts). */
  duplicatePrep?: DuplicatePrep;
  /**
   * For bench/throughput's `write-slot` comparison only: each dataset write is awaited while its
   * request still holds the concurrency slot and permit, as runs wrote before the write moved off
   * the slot. Nothing in the product sets it.
   */
  writeInSlot?: boolean;
}

export interface RunEvents {
  /** A conversation was committed to its dataset. */
  written: { readonly job: ConversationJob; readonly batch: BatchProgress };
  /** Files were added to the run (also at open). */
  batches: { readonly batches: readonly BatchProgress[] };
  finished: { readonly summary: RunSummary };
}

export interface JobFilter {
  state?: ConversationJob['state'];
  batchId?: string;
}
