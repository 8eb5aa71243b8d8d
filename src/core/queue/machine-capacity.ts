import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { processLoopLag, type LoopLag } from '../loop-lag';

/**
 * What one request in flight costs this process, as measured by bench/scale (socket, TLS and
 * stream state, the SDK's message snapshot, the job): well under this on the simulator; the
 * margin covers long transcripts of `turns` jobs.
 */
export const BYTES_PER_REQUEST = 256 * 1024;
/** File descriptors kept free for datasets, journals, locks and whatever the host needs. */
const RESERVED_FDS = 256;

export interface MachineFacts {
  /** V8's heap ceiling for this process. */
  readonly heapLimitBytes: number;
  /** Soft limit on open files (each request holds a socket); undefined where it cannot be read. */
  readonly openFilesLimit?: number;
}

/** How many requests this machine can hold in flight: the default ceiling when the user sets none. */
export function machineCapacity(facts: MachineFacts = readMachineFacts()): number {
  // Half the heap for requests in flight: the rest is the run's own (queue, datasets, metrics).
  const byMemory = Math.floor(facts.heapLimitBytes / 2 / BYTES_PER_REQUEST);
  const bySockets = facts.openFilesLimit === undefined ? Number.POSITIVE_INFINITY : facts.openFilesLimit - RESERVED_FDS;
  return Math.max(1, Math.min(byMemory, bySockets));
}

export function readMachineFacts(): MachineFacts {
  const openFilesLimit = readOpenFilesLimit();
  return { heapLimitBytes: getHeapStatistics().heap_size_limit, ...(openFilesLimit !== undefined ? { openFilesLimit } : {}) };
}

/** Linux only (`/proc/self/limits`); elsewhere the memory bound alone applies. */
function readOpenFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    const n = soft === undefined ? Number.NaN : Number(soft);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Whether this process has no CPU to spare: then more requests in flight only queue inside it. */
export interface LoadProbe {
  overloaded(): boolean;
  dispose(): void;
}

/**
 * The event loop's mean delay over the last second above `thresholdMs`. A client short of CPU
 * reads its answers late, so the latency it measures grows and Little's law asks for more slots,
 * which make it slower still; growth stops while this says so. It reads the process's one monitor
 * (loop-lag.ts), started at the first question, which dispatch asks.
 */
export function eventLoopLoad(thresholdMs = 50, lag: () => LoopLag = processLoopLag): LoadProbe {
  return {
    overloaded: () => lag().meanMs() > thresholdMs,
    // The monitor is the process's and outlives the run.
    dispose: () => undefined,
  };
}
