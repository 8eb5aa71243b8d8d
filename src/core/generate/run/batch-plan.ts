import type { ModelInfo } from '../../models';
import type { JobState, Priority } from '../../queue/types';
import type { DatasetWriter } from '../output';
import { specAt, specIdAt } from '../prompt-file';
import type { ConversationSpec, PromptFile } from '../types';
import type { CacheSettings } from '../strategies/cache-layout';
import { jobFor, type ConversationJob } from './run-jobs';

// One byte per conversation of the file: where it stands in this run.
const SKIPPED = 0; // done or failed before this run: not part of it
const PLANNED = 1; // to generate, no job made yet
const LIVE = 2; // a job exists (queued, running, waiting to retry or held)
const SUCCEEDED = 3;
const FAILED = 4;
const CANCELLED = 5;
const STATE_OF: Record<number, JobState> = { [PLANNED]: 'queued', [SUCCEEDED]: 'succeeded', [FAILED]: 'failed', [CANCELLED]: 'cancelled' };

/**
 * One prompt file's share of a run, planned lazily over its index space: a resume scan marks what
 * the dataset already holds (one id at a time, nothing retained but a byte per conversation), jobs
 * are made a window at a time as the run needs them, and a finished job is let go. Memory is a
 * byte per conversation plus the live window, whatever the file's count.
 */
export class BatchPlan {
  readonly todo: number;
  readonly skippedDone: number;
  readonly skippedFailed: number;
  private readonly slots: Uint8Array;
  private readonly live = new Map<number, ConversationJob>();
  private cursor = 0;
  private unplanned: number;
  held = false;
  dropped = false;
  /** The prompt-cache settings each conversation's first request carries (none: no caching). */
  cacheFor?: (spec: ConversationSpec) => CacheSettings | undefined;

  constructor(
    readonly file: PromptFile,
    readonly model: ModelInfo,
    writer: Pick<DatasetWriter, 'isDone' | 'failed' | 'versionsOf' | 'unversioned'>,
    retryFailed: boolean,
    public priority: Priority = file.priority,
  ) {
    this.slots = new Uint8Array(file.count);
    // Ids are only worked out (a hash each) while records of this version may still be ahead: a
    // fresh dataset costs no scan, a half-done one stops where its last record is found.
    const expected = (writer.versionsOf(file.name).get(file.promptHash) ?? 0) + writer.unversioned().length;
    let done = 0;
    for (let i = 0; i < file.count; i++) {
      if (done >= expected) {
        this.slots.fill(PLANNED, i);
        break;
      }
      if (writer.isDone(specIdAt(file, i))) done++;
      else this.slots[i] = PLANNED;
    }
    let skippedFailed = 0;
    if (!retryFailed) {
      for (const f of writer.failed().values()) {
        if (f.index < file.count && this.slots[f.index] === PLANNED && specIdAt(file, f.index) === f.id) {
          this.slots[f.index] = SKIPPED;
          skippedFailed++;
        }
      }
    }
    // Dropped by `dedup --drop`: settled like a committed conversation, never made again.
    for (const i of file.dropped ?? []) {
      if (i < file.count && this.slots[i] === PLANNED) {
        this.slots[i] = SKIPPED;
        done++;
      }
    }
    this.skippedDone = done;
    this.skippedFailed = skippedFailed;
    this.todo = file.count - done - skippedFailed;
    this.unplanned = this.todo;
  }

  get id(): string {
    return this.file.name;
  }

  /** Conversations of this run with no job yet. */
  get pending(): number {
    return this.unplanned;
  }

  /** Jobs made and not finished. */
  get liveCount(): number {
    return this.live.size;
  }

  liveJobs(): ConversationJob[] {
    return [...this.live.values()];
  }

  /** Makes jobs for the next `n` planned conversations, in index order. */
  take(n: number, now: number): ConversationJob[] {
    const jobs: ConversationJob[] = [];
    while (jobs.length < n && this.cursor < this.slots.length) {
      const i = this.cursor++;
      if (this.slots[i] !== PLANNED) continue;
      const job = this.jobAt(i, now);
      job.priority = this.priority;
      this.slots[i] = LIVE;
      this.live.set(i, job);
      jobs.push(job);
    }
    this.unplanned -= jobs.length;
    return jobs;
  }

  /** A job ended: its slot keeps the outcome and the job itself is released. */
  finish(job: ConversationJob): void {
    const i = job.data.spec.index;
    if (this.live.get(i) !== job) return;
    this.live.delete(i);
    this.slots[i] = job.state === 'succeeded' ? SUCCEEDED : job.state === 'failed' ? FAILED : CANCELLED;
  }

  /** Conversations of this run in `state` (all when undefined). */
  count(state?: JobState): number {
    let n = 0;
    for (let i = 0; i < this.slots.length; i++) if (this.matches(i, state)) n++;
    return n;
  }

  /**
   * The jobs at positions [offset, offset + limit) among this run's conversations in `state`, in
   * index order; those without a live job are made for the page (and not kept).
   */
  page(offset: number, limit: number, state: JobState | undefined, now: number): ConversationJob[] {
    const out: ConversationJob[] = [];
    let seen = 0;
    for (let i = 0; i < this.slots.length && out.length < limit; i++) {
      if (!this.matches(i, state)) continue;
      if (seen++ < offset) continue;
      out.push(this.live.get(i) ?? this.madeFor(i, now));
    }
    return out;
  }

  /**
   * A sample of at most `max` conversations still to generate, each standing for `weight` of them:
   * what an estimate of a large run needs, without making every spec. One conversation from each
   * run of `step` in a row, at a place that changes from run to run: a fixed place (every step-th)
   * would alias with the values, whose last variable cycles fastest (a step of 2 over two tones
   * sampled only the first tone). Deterministic, so one plan always gives one estimate.
   */
  sample(max: number): { specs: ConversationSpec[]; weight: number } {
    const total = this.pending + this.live.size;
    const step = Math.max(1, Math.ceil(total / max));
    const specs: ConversationSpec[] = [];
    let k = 0;
    let pick = 0;
    for (let i = 0; i < this.slots.length; i++) {
      if (this.slots[i] !== PLANNED && this.slots[i] !== LIVE) continue;
      const at = k % step;
      if (at === 0) pick = placeIn(k / step, Math.min(step, total - k));
      k++;
      if (at === pick) specs.push(this.live.get(i)?.data.spec ?? specAt(this.file, i));
    }
    return { specs, weight: specs.length === 0 ? 1 : total / specs.length };
  }

  private matches(i: number, state: JobState | undefined): boolean {
    const slot = this.slots[i]!;
    if (slot === SKIPPED) return false;
    if (state === undefined) return true;
    return slot === LIVE ? this.live.get(i)!.state === state : STATE_OF[slot] === state;
  }

  private jobAt(i: number, now: number): ConversationJob {
    const spec = specAt(this.file, i);
    return jobFor(spec, this.model, now, undefined, this.cacheFor?.(spec));
  }

  private madeFor(i: number, now: number): ConversationJob {
    const job = this.jobAt(i, now);
    job.priority = this.priority;
    job.state = STATE_OF[this.slots[i]!]!;
    return job;
  }
}

/** A place in 0..size-1 for run number `n` of a sample: an integer hash (murmur3's finaliser), spread and repeatable. */
function placeIn(n: number, size: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % size;
}
