import { endedAt, statusAt, type SimBatch } from './batch-store';
import { resultLines, type ResultsContext } from './batch-results';

/** A batch as the API shows it: counts and results_url only once the whole batch has ended. */
export function batchJson(b: SimBatch, now: number, baseUrl: string, ctx: ResultsContext): Record<string, unknown> {
  const status = statusAt(b, now);
  const counts = { processing: b.requests.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  if (status === 'ended') {
    counts.processing = 0;
    for (const line of resultLines(b, ctx)) counts[line.result.type as 'succeeded' | 'errored' | 'canceled' | 'expired']++;
  }
  return {
    id: b.id,
    type: 'message_batch',
    processing_status: status,
    request_counts: counts,
    ended_at: status === 'ended' ? iso(endedAt(b)) : null,
    created_at: iso(b.createdAt),
    expires_at: iso(b.expiresAt),
    archived_at: null,
    cancel_initiated_at: b.cancelAt !== undefined ? iso(b.cancelAt) : null,
    results_url: status === 'ended' ? `${baseUrl}/v1/messages/batches/${b.id}/results` : null,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
