// A run's Message Batch requests counted into its work, beside the online steps. They hold no
// rate limit, so they carry no weight at one: each counts as one step of the share done. While any
// batch is still at the API the run cannot know when it ends (Anthropic: usually within an hour,
// 24 h at most), so the ETA is withdrawn rather than shown as the online part's "0 s".
import type { MessageBatchSnapshot } from '../../message-batches/snapshot';
import type { WorkProgress } from './run-progress';

export interface MessageBatchWork {
  /** Requests submitted (or being submitted) in the run's Message Batches. */
  readonly requests: number;
  /** Of those, the ones whose batch has ended or whose results are written. */
  readonly done: number;
  /** Some batch is still submitting or at the API. */
  readonly waiting: boolean;
}

export function messageBatchWorkOf(list: readonly MessageBatchSnapshot[]): MessageBatchWork | undefined {
  if (list.length === 0) return undefined;
  let requests = 0;
  let done = 0;
  let waiting = false;
  for (const b of list) {
    requests += b.requests;
    if (b.status === 'ended') done += b.requests;
    else {
      waiting = true;
      done += Math.min(b.written, b.requests);
    }
  }
  return { requests, done, waiting };
}

/** The online work with the Message Batch requests added to its share done; no ETA while one waits. */
export function withMessageBatchWork(p: WorkProgress, mb: MessageBatchWork | undefined): WorkProgress {
  if (!mb || mb.requests === 0) return p;
  const online = p.stepsTotal;
  const fraction = (p.fraction * online + mb.done) / (online + mb.requests);
  const { etaMs: _eta, basis: _basis, ...rest } = p;
  return { ...(mb.waiting ? rest : p), fraction, messageBatches: mb };
}
