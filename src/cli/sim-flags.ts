import type { MessageBatchConfig } from '../sim/message-batches/batch-options';
import type { FlagSpec } from './flag-spec';

/**
 * The simulator's Message Batches flags (for `simulate`, and for `generate --simulate`): how long a
 * batch takes and when it expires, the batch endpoints' own RPM and queue cap, the early 404 and a
 * share of errored lines, so a dry run meets what the real API does to a batch run.
 */
const ON: FlagSpec['commands'] = ['generate', 'simulate'];

export const SIMULATOR_MESSAGE_BATCH_FLAGS: readonly FlagSpec[] = [
  {
    name: 'message-batch-seconds',
    kind: { type: 'number', above: -1 },
    value: 'S',
    commands: ON,
    group: 'options',
    help: "the simulator's Message Batch processing time: the last request of a batch is done S seconds after create (default 5)",
  },
  {
    name: 'message-batch-expiry-seconds',
    kind: { type: 'number', above: 0 },
    value: 'S',
    commands: ON,
    group: 'options',
    help: "the simulator's Message Batch expiry: requests not done S seconds after create come back expired (default 86400, as the API)",
  },
  {
    name: 'message-batch-rpm',
    kind: { type: 'integer', min: 1 },
    value: 'N',
    commands: ON,
    group: 'options',
    help: "the simulator's Message Batches API requests per minute, polls and downloads included (default 1000)",
  },
  {
    name: 'message-batch-queue',
    kind: { type: 'integer', min: 1 },
    value: 'N',
    commands: ON,
    group: 'options',
    help: "the simulator's cap on requests queued in unfinished Message Batches (default 200000)",
  },
  {
    name: 'message-batch-not-found-seconds',
    kind: { type: 'number', above: -1 },
    value: 'S',
    commands: ON,
    group: 'options',
    help: 'the simulator answers 404 for a Message Batch during its first S seconds, as the API may (default 0)',
  },
  {
    name: 'message-batch-errored',
    kind: { type: 'number', above: -1 },
    value: 'FRACTION',
    commands: ON,
    group: 'options',
    help: 'share of Message Batch requests the simulator answers errored with overloaded_error (default 0; at most 1)',
  },
];

/** The simulator's Message Batches options from the flags, or undefined when none was given. */
export function simulatorMessageBatchOptions(
  get: (name: string) => string | number | boolean | undefined,
): Partial<MessageBatchConfig> | undefined {
  const num = (name: string) => get(name) as number | undefined;
  const out: Partial<MessageBatchConfig> = {};
  const seconds = num('message-batch-seconds');
  if (seconds !== undefined) out.processingSeconds = seconds;
  const expiry = num('message-batch-expiry-seconds');
  if (expiry !== undefined) out.expirySeconds = expiry;
  const rpm = num('message-batch-rpm');
  if (rpm !== undefined) out.requestsPerMinute = rpm;
  const queue = num('message-batch-queue');
  if (queue !== undefined) out.maxQueuedRequests = queue;
  const notFound = num('message-batch-not-found-seconds');
  if (notFound !== undefined) out.notFoundSeconds = notFound;
  const errored = num('message-batch-errored');
  // at most 1: args.ts refuses more with the other range checks
  if (errored !== undefined) {
    out.outcomes = { errored: { fraction: errored, errorType: 'overloaded_error' } };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
