import { PriorityQueue as ForgeQueue } from '../../src/core/queue/priority-queue';
import type { Priority } from '../../src/core/queue/types';

/**
 * Enqueue-then-drain of N jobs through Forge's PriorityQueue and p-queue's exported PriorityQueue
 * (the structure PQueue keeps its waiting tasks in), on the same pre-built jobs, in the same order:
 * several batches, priorities mixed within each batch.
 */
export interface BenchJob {
  readonly id: string;
  readonly batchId: string;
  priority: Priority;
}

export interface QueueResult {
  readonly client: string;
  readonly jobs: number;
  readonly enqueueOpsPerSec: number;
  readonly drainOpsPerSec: number;
  /** (enqueues + dequeues) / total seconds. */
  readonly opsPerSec: number;
  /** Set when the run hit its time budget: the rate is of the operations done, an overestimate. */
  readonly cappedAfter?: number;
}

const P_QUEUE_PRIORITY: Record<Priority, number> = { high: 2, normal: 1, low: 0 };
const PRIORITY_CYCLE: readonly Priority[] = ['normal', 'low', 'high', 'normal', 'low', 'normal', 'high'];

export function makeJobs(count: number, batches = 8): BenchJob[] {
  const jobs: BenchJob[] = new Array(count);
  const perBatch = Math.ceil(count / batches);
  for (let i = 0; i < count; i++) {
    jobs[i] = { id: `j${i}`, batchId: `b${Math.floor(i / perBatch)}`, priority: PRIORITY_CYCLE[(i * 7919) % PRIORITY_CYCLE.length]! };
  }
  return jobs;
}

function rate(ops: number, ms: number): number {
  return ops / (Math.max(ms, 1e-3) / 1000);
}

export function benchForgeQueue(jobs: readonly BenchJob[]): QueueResult {
  const q = new ForgeQueue<BenchJob>();
  const t0 = performance.now();
  for (const job of jobs) q.enqueue(job);
  const t1 = performance.now();
  let drained = 0;
  while (q.dequeue() !== undefined) drained++;
  const t2 = performance.now();
  if (drained !== jobs.length) throw new Error(`Forge queue drained ${drained} of ${jobs.length}`);
  return {
    client: 'Forge PriorityQueue',
    jobs: jobs.length,
    enqueueOpsPerSec: rate(jobs.length, t1 - t0),
    drainOpsPerSec: rate(drained, t2 - t1),
    opsPerSec: rate(jobs.length + drained, t2 - t0),
  };
}

/** p-queue's queue is a sorted array with splice insertion: O(n) per out-of-order insert, so it is time-boxed. */
export async function benchPQueue(jobs: readonly BenchJob[], budgetMs: number): Promise<QueueResult> {
  const { PriorityQueue } = await import('p-queue');
  const q = new PriorityQueue();
  const t0 = performance.now();
  let enqueued = 0;
  for (const job of jobs) {
    // The job object stands in for the task function: only the queue's own work is measured.
    q.enqueue(job as unknown as () => Promise<unknown>, { priority: P_QUEUE_PRIORITY[job.priority], id: job.id });
    enqueued++;
    if ((enqueued & 1023) === 0 && performance.now() - t0 > budgetMs) break;
  }
  const t1 = performance.now();
  let drained = 0;
  while (q.dequeue() !== undefined) drained++;
  const t2 = performance.now();
  return {
    client: 'p-queue PriorityQueue',
    jobs: jobs.length,
    enqueueOpsPerSec: rate(enqueued, t1 - t0),
    drainOpsPerSec: rate(drained, t2 - t1),
    opsPerSec: rate(enqueued + drained, t2 - t0),
    ...(enqueued < jobs.length ? { cappedAfter: enqueued } : {}),
  };
}
