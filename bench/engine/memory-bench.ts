import { PriorityQueue as ForgeQueue } from '../../src/core/queue/priority-queue';
import { makeJobs, type BenchJob } from './queue-bench';

/**
 * Heap held by the queue itself per queued job: heapUsed after enqueueing all jobs minus heapUsed
 * with the same jobs alive but not queued, divided by the job count. Needs --expose-gc to be exact;
 * without it the figure includes garbage and is marked so.
 */
export interface MemoryResult {
  readonly client: string;
  readonly jobs: number;
  readonly bytesPerJob: number;
  readonly exact: boolean;
}

type Gc = () => void;
const gc: Gc | undefined = (globalThis as { gc?: Gc }).gc;

function heap(): number {
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

const P_QUEUE_PRIORITY = { high: 2, normal: 1, low: 0 } as const;

/** Measures one queue in its own frame, keeping it reachable until after the second reading. */
function measure(jobs: readonly BenchJob[], fill: (jobs: readonly BenchJob[]) => { size: number }): number {
  const before = heap();
  const queue = fill(jobs);
  const after = heap();
  // Reading the queue after the measurement keeps optimised code from treating it as dead.
  if (queue.size !== jobs.length) throw new Error(`queue holds ${queue.size} of ${jobs.length}`);
  return (after - before) / jobs.length;
}

export async function benchMemory(count: number): Promise<MemoryResult[]> {
  const jobs: BenchJob[] = makeJobs(count);
  const { PriorityQueue } = await import('p-queue');
  const exact = gc !== undefined;
  const forge = measure(jobs, (list) => {
    const q = new ForgeQueue<BenchJob>();
    for (const job of list) q.enqueue(job);
    return q;
  });
  const pq = measure(jobs, (list) => {
    const q = new PriorityQueue();
    // One priority, so the sorted-array insert stays O(1): memory, not time, is measured here.
    for (const job of list) q.enqueue(job as unknown as () => Promise<unknown>, { priority: P_QUEUE_PRIORITY.normal, id: job.id });
    return q;
  });
  if (jobs.length !== count) throw new Error('jobs changed');
  return [
    { client: 'Forge PriorityQueue', jobs: count, bytesPerJob: forge, exact },
    { client: 'p-queue PriorityQueue', jobs: count, bytesPerJob: pq, exact },
  ];
}
