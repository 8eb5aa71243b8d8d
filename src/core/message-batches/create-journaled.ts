import { randomBytes } from 'node:crypto';
import type { MessageBatchApi, RemoteMessageBatch } from '../api/message-batch-api';
import { sleep, type Clock } from '../clock';
import { classify } from '../errors';
import type { PromptFile } from '../generate/types';
import { refusedBeforeCreate, transient } from './call-outcomes';
import type { MessageBatchReservations } from './message-batch-budget';
import type { MessageBatchJournal } from './message-batch-journal';
import type { PendingRequest } from './pending-requests';

export interface CreateInput {
  readonly file: PromptFile;
  readonly journal: MessageBatchJournal;
  readonly api: MessageBatchApi;
  readonly clock: Clock;
  readonly reservations?: MessageBatchReservations;
  /** Leaving the run aborts the call and the waits. */
  readonly signal: AbortSignal;
  /** Wait after a create whose outcome is unknown before `list` is asked. */
  readonly recoverDelayMs: number;
  /** The intent is journaled: the runner's snapshot changed. */
  onChange?(): void;
}

/**
 * What one create came to: the batch; or none, because the API refused it on the way (its requests
 * go again: `refused`) or its outcome is unknown (recovered by `list` before anything else is created).
 */
export type CreateOutcome = { readonly batch: RemoteMessageBatch } | { readonly batch?: undefined; readonly refused: boolean };

/** One create, never retried blindly: the intent is durable before the call and the id right after. */
export async function createJournaled(i: CreateInput, pack: readonly PendingRequest[]): Promise<CreateOutcome> {
  const { journal, api, clock, file } = i;
  const key = `${clock.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  await journal.append({ t: 'intent', key, file: file.name, at: clock.now(), requests: pack.map((r) => r.ref) }, true);
  i.onChange?.();
  let remote: RemoteMessageBatch;
  try {
    remote = await api.create(
      pack.map(({ customId, params }) => ({ customId, params })),
      i.signal,
    );
  } catch (e) {
    const c = classify(e, i.signal);
    if (c.kind === 'cancelled') throw e;
    if (refusedBeforeCreate(c)) {
      await journal.append({ t: 'absent', key }, true);
      i.reservations?.release(pack.map((r) => r.customId));
      if (transient(c)) return { refused: true };
      throw e;
    }
    // Lost answer (network, timeout, 5xx): the batch may exist. Give a slow create time to land, then list.
    await sleep(clock, i.recoverDelayMs, i.signal);
    return { refused: false };
  }
  await journal.append({ t: 'created', key, batchId: remote.id, createdAt: remote.createdAt, expiresAt: remote.expiresAt }, true);
  return { batch: remote };
}
