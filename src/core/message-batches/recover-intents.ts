import type { MessageBatchApi, RemoteMessageBatch } from '../api/message-batch-api';
import type { MessageBatchJournal } from './message-batch-journal';
import type { JournaledIntent } from './journal-state';

/** How far the server's clock may be behind ours: a batch created this long before the intent still counts. */
export const CLOCK_SKEW_MS = 10 * 60_000;

/** Pages of `list` read at most while looking back (100 batches each). */
const MAX_PAGES = 20;

export interface Recovery {
  adopted: RemoteMessageBatch[];
  /** Intents `list` showed made no batch: their requests are free to submit again. */
  absent: number;
}

function total(b: RemoteMessageBatch): number | undefined {
  const c = b.counts;
  return c ? c.processing + c.succeeded + c.errored + c.canceled + c.expired : undefined;
}

/**
 * Settles intents whose `create` may or may not have made a batch (the process died before the id
 * was journaled, or the answer was lost): `list` the batches created since the earliest intent and
 * adopt those no journal line knows, matched by time and (when `list` gives counts) request count.
 * Every match is adopted (a retried create can have made two); their results are matched by
 * custom_id, so nothing is written twice. Only an intent `list` shows nothing for is marked absent,
 * and only then may its requests go into a new create.
 */
export async function recoverIntents(
  api: MessageBatchApi,
  journal: MessageBatchJournal,
  intents: readonly JournaledIntent[],
  signal?: AbortSignal,
): Promise<Recovery> {
  if (intents.length === 0) return { adopted: [], absent: 0 };
  const since = Math.min(...intents.map((i) => i.at)) - CLOCK_SKEW_MS;
  const known = new Set(journal.state.batches.keys());
  const candidates: RemoteMessageBatch[] = [];
  let afterId: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { batches, hasMore, lastId } = await api.list({ ...(afterId ? { afterId } : {}), limit: 100 }, signal);
    for (const b of batches) if (b.createdAt >= since && !known.has(b.id)) candidates.push(b);
    // Newest first: once a page reaches past the window, older pages cannot hold a match.
    if (!hasMore || !lastId || batches.some((b) => b.createdAt < since)) break;
    afterId = lastId;
  }
  const adopted: RemoteMessageBatch[] = [];
  let absent = 0;
  // Oldest intent first, each taking the oldest fitting batches: intents are written in create order.
  const ordered = [...intents].sort((a, b) => a.at - b.at);
  candidates.sort((a, b) => a.createdAt - b.createdAt);
  for (const intent of ordered) {
    const matches = candidates.filter(
      (b) => b.createdAt >= intent.at - CLOCK_SKEW_MS && (total(b) ?? intent.requests.length) === intent.requests.length,
    );
    // A later intent exists only once this one was settled, so batches after the next intent are not this one's.
    const next = ordered.find((o) => o.at > intent.at);
    const mine = matches.filter((b) => next === undefined || b.createdAt < next.at + CLOCK_SKEW_MS);
    for (const b of mine) {
      candidates.splice(candidates.indexOf(b), 1);
      await journal.append(
        { t: 'created', key: intent.key, batchId: b.id, createdAt: b.createdAt, expiresAt: b.expiresAt, adopted: true },
        true,
      );
      adopted.push(b);
    }
    if (mine.length === 0) {
      await journal.append({ t: 'absent', key: intent.key }, true);
      absent++;
    }
  }
  return { adopted, absent };
}
