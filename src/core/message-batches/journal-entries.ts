import type { MessageBatchCounts } from '../api/message-batch-api';
import type { ChatMessage } from '../api/types';
import { isCount, isRecord } from '../generate/output/line-log';
import type { Usage } from '../usage';

/** One request of an intent: its custom_id, the conversation it belongs to, and (turns) the message it asks for. */
export interface IntentRequest {
  readonly c: string;
  readonly id: string;
  readonly i: number;
  readonly m?: number;
}

/**
 * The lines of a `*.message-batches.jsonl` sidecar, in the order they happen:
 * - `intent`: written (and fsynced) before `create`, with the custom_id → conversation map;
 * - `created`: the batch id, right after `create` answered (or `adopted`: found by `list` after an unknown outcome);
 * - `absent`: `list` showed the create made no batch, so the intent's requests are free again;
 * - `outcome`: a result line that wrote nothing to the dataset (errored, expired, canceled, rejected, invalid), so a repeated download skips it;
 * - `message`: a `turns` message accepted between rounds;
 * - `settled`: every result line of the batch was handled;
 * - `cancel`: the user asked to cancel the batch (nothing of it is resubmitted).
 */
export type JournalLine =
  | { t: 'intent'; key: string; file: string; at: number; requests: IntentRequest[] }
  | { t: 'created'; key: string; batchId: string; createdAt: number; expiresAt: number; adopted?: boolean }
  | { t: 'absent'; key: string }
  | { t: 'outcome'; batchId: string; c: string; id: string; result: OutcomeKind; errorType?: string; usage?: Usage }
  | { t: 'message'; id: string; n: number; role: ChatMessage['role']; content: string; usage: Usage }
  | { t: 'ended'; batchId: string; counts: MessageBatchCounts; endedAt?: number }
  | { t: 'settled'; batchId: string }
  | { t: 'cancel'; batchId: string };

/**
 * What happened to a request that wrote nothing to the dataset. `invalid`: it reached the failures file;
 * `rejected`: its answer failed validation and the request is made again (an attempt, like the first three).
 */
export type OutcomeKind = 'errored' | 'expired' | 'canceled' | 'rejected' | 'invalid';

const str = (v: unknown): v is string => typeof v === 'string';

function isIntentRequest(v: unknown): v is IntentRequest {
  return isRecord(v) && str(v['c']) && str(v['id']) && isCount(v['i']) && (v['m'] === undefined || isCount(v['m']));
}

/** A journal line, or undefined when it is not one (scanLineLog drops a torn last line). */
export function parseJournalLine(value: unknown): JournalLine | undefined {
  if (!isRecord(value)) return undefined;
  const v = value;
  switch (v['t']) {
    case 'intent':
      return str(v['key']) && str(v['file']) && isCount(v['at']) && Array.isArray(v['requests']) && v['requests'].every(isIntentRequest)
        ? (v as unknown as JournalLine)
        : undefined;
    case 'created':
      return str(v['key']) && str(v['batchId']) && isCount(v['createdAt']) && isCount(v['expiresAt'])
        ? (v as unknown as JournalLine)
        : undefined;
    case 'absent':
      return str(v['key']) ? (v as unknown as JournalLine) : undefined;
    case 'outcome':
      return str(v['batchId']) && str(v['c']) && str(v['id']) && str(v['result']) ? (v as unknown as JournalLine) : undefined;
    case 'message':
      return str(v['id']) && isCount(v['n']) && str(v['role']) && str(v['content']) && isRecord(v['usage'])
        ? (v as unknown as JournalLine)
        : undefined;
    case 'ended':
      return str(v['batchId']) && isRecord(v['counts']) ? (v as unknown as JournalLine) : undefined;
    case 'settled':
    case 'cancel':
      return str(v['batchId']) ? (v as unknown as JournalLine) : undefined;
    default:
      return undefined;
  }
}
