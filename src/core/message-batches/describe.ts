import type { MessageBatchSnapshot } from './snapshot';

function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h${String(m % 60).padStart(2, '0')}m` : `${Math.floor(h / 24)}d${h % 24}h`;
}

/** `5 succeeded, 1 errored` — the counts that are not zero (the API gives them once the batch ended). */
export function countsText(s: MessageBatchSnapshot): string {
  if (!s.counts) return `${s.requests} processing`;
  const parts = (['succeeded', 'errored', 'canceled', 'expired', 'processing'] as const)
    .filter((k) => s.counts![k] > 0)
    .map((k) => `${s.counts![k]} ${k}`);
  return parts.join(', ') || '0 requests';
}

/**
 * One Message Batch in one line, the same in the CLI progress, `convforge batches` and the status-bar
 * tooltip: id, status, counts, written, time since submit and (while it can still run) time to expiry.
 */
export function describeMessageBatch(s: MessageBatchSnapshot, now: number, file = s.file): string {
  const id = s.id ?? '(creating…)';
  const expiry = s.expiresAt !== undefined && s.status !== 'ended' ? `, expires in ${span(s.expiresAt - now)}` : '';
  return `${id} ${file}: ${s.status}, ${s.requests} request(s) (${countsText(s)}), ${s.written} written, submitted ${span(now - s.submittedAt)} ago${expiry}`;
}

/** `2 Message Batches still processing, 1 ended` for a summary line. */
export function messageBatchesHeadline(list: readonly MessageBatchSnapshot[]): string {
  const waiting = list.filter((s) => s.status !== 'ended').length;
  const ended = list.length - waiting;
  return `${list.length} Message Batch${list.length === 1 ? '' : 'es'}: ${waiting} still processing, ${ended} ended`;
}
