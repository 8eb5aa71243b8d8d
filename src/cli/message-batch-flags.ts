import { RUNS, type FlagSpec } from './flag-spec';

/** Flags of the Message Batches mode: choosing it, how patiently to poll, and `convforge batches`. */
export const MESSAGE_BATCH_FLAGS: readonly FlagSpec[] = [
  {
    name: 'mode',
    kind: { type: 'choice', choices: ['online', 'batch'] },
    value: 'online|batch',
    commands: RUNS,
    group: 'options',
    help: "online (Messages API) or batch (Message Batches API: half price, results within 24 h) for every prompt file, overriding their mode field (default: each file's, online)",
  },
  {
    name: 'poll-seconds',
    kind: { type: 'number', above: 0 },
    value: 'S',
    commands: ['generate'],
    group: 'options',
    help: 'longest wait between two polls of a Message Batch (default 60; polls start at a twelfth of it and back off)',
  },
  {
    name: 'cancel',
    kind: { type: 'text' },
    value: 'ID',
    commands: ['batches'],
    group: 'options',
    help: 'cancel this Message Batch at Anthropic (what it already finished is collected by the next generate, which submits the rest again)',
  },
  {
    name: 'cancel-all',
    kind: { type: 'boolean' },
    commands: ['batches'],
    group: 'options',
    help: 'cancel every Message Batch of these prompt files that is still processing',
  },
];
