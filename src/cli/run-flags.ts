import { LIMITED, RUNS, type FlagSpec } from './flag-spec';

/** Flags of the commands that talk to the API: the account's limits and how they are shared. */
export const LIMIT_FLAGS: readonly FlagSpec[] = [
  {
    name: 'tier',
    kind: { type: 'choice', choices: ['start', 'build', 'scale'] },
    value: 'start|build|scale',
    commands: LIMITED,
    group: 'limits',
    help: 'preset limits for your account tier (default: start); corrected from the rate-limit headers',
  },
  {
    name: 'rpm',
    kind: { type: 'integer', min: 1 },
    value: 'N',
    commands: LIMITED,
    group: 'limits',
    help: 'requests per minute per model class (wins over --tier)',
  },
  {
    name: 'itpm',
    kind: { type: 'integer', min: 1 },
    value: 'N',
    commands: LIMITED,
    group: 'limits',
    help: 'input tokens per minute per model class',
  },
  {
    name: 'otpm',
    kind: { type: 'integer', min: 1 },
    value: 'N',
    commands: LIMITED,
    group: 'limits',
    help: 'output tokens per minute per model class',
  },
  {
    name: 'output-accounting',
    kind: { type: 'choice', choices: ['actual', 'reserve'] },
    value: 'actual|reserve',
    commands: [...RUNS, 'dedup'],
    group: 'limits',
    help: 'charge output tokens as generated (default) or reserve max_tokens up front',
  },
  {
    name: 'redis',
    kind: { type: 'text' },
    value: 'URL',
    commands: [...RUNS, 'dedup'],
    group: 'limits',
    help: 'share the budget across machines through Redis: redis://[user:password@]host:port[/db] or rediss:// (or set CONVFORGE_REDIS_URL); while it is unreachable the run waits, nothing is sent unmetered',
  },
  {
    name: 'no-share',
    kind: { type: 'boolean' },
    commands: [...RUNS, 'dedup'],
    group: 'limits',
    help: "this process assumes the whole budget (default: shared with this user's other Forge processes on this machine)",
  },
];

/** Flags that decide what a run may do before it starts: concurrency, spend, caching, a trial, where it writes. */
export const RUN_START_FLAGS: readonly FlagSpec[] = [
  {
    name: 'concurrency',
    kind: { type: 'integer', min: 1 },
    value: 'N',
    commands: ['generate', 'dedup'],
    group: 'options',
    help: 'maximum requests in flight (default: derived from the limits and observed latency)',
  },
  {
    name: 'budget',
    kind: { type: 'number', above: 0 },
    value: 'USD',
    commands: ['generate', 'dedup'],
    group: 'options',
    help: 'stop dispatching before the request that would take the run past this spend',
  },
  {
    name: 'yes',
    short: 'y',
    kind: { type: 'boolean' },
    commands: ['generate', 'dedup'],
    group: 'options',
    help: 'start without asking even when the estimate is above --confirm-above',
  },
  {
    name: 'confirm-above',
    kind: { type: 'number', above: 0 },
    value: 'USD',
    commands: ['generate', 'dedup'],
    group: 'options',
    help: 'ask before a run estimated above this cost; refuse without --yes when not on a terminal (default 10)',
  },
  {
    name: 'overrun',
    kind: { type: 'number', above: 0 },
    value: 'FRACTION',
    commands: ['generate', 'dedup'],
    group: 'options',
    help: 'without --budget, stop once the spend runs past the estimate by this fraction (default 0.5 = 50 %)',
  },
  {
    name: 'cache',
    kind: { type: 'choice', choices: ['auto', 'off', '1h'] },
    value: 'auto|off|1h',
    commands: RUNS,
    group: 'options',
    help: "prompt caching for every prompt file, overriding their cache field (default: each file's, auto)",
  },
  {
    name: 'limit',
    kind: { type: 'integer', min: 1 },
    value: 'N',
    commands: [...RUNS, 'dedup'],
    group: 'options',
    help: 'a trial: only the first N conversations of each file (the full run later skips them)',
  },
  {
    name: 'out',
    kind: { type: 'text' },
    value: 'DIR',
    commands: ['generate', 'export', 'batches'],
    group: 'options',
    help: "generate, batches: write every dataset into DIR instead of each prompt file's output.path; export: the folder to write (required)",
  },
];

/** Flags for what a run does with earlier failures, a changed prompt file, an outage, and the endpoint. */
export const RUN_RECOVERY_FLAGS: readonly FlagSpec[] = [
  {
    name: 'retry-failed',
    kind: { type: 'boolean' },
    commands: ['generate'],
    group: 'options',
    help: 'regenerate conversations recorded as failed in an earlier run',
  },
  {
    name: 'new-version',
    kind: { type: 'boolean' },
    commands: ['generate'],
    group: 'options',
    help: "after editing a prompt file, append its new version's conversations to a dataset that holds the earlier version's",
  },
  {
    name: 'patience',
    kind: { type: 'number', above: 0 },
    value: 'MINUTES',
    commands: ['generate', 'dedup'],
    group: 'options',
    help: 'how long to wait out an unreachable API (probing with backoff) before stopping; jobs stay queued (default 30)',
  },
  {
    name: 'max-attempts',
    kind: { type: 'integer', min: 1 },
    value: 'N',
    commands: ['generate', 'dedup'],
    group: 'options',
    help: 'attempts per conversation before it is recorded as failed (default 5)',
  },
  {
    name: 'simulate',
    kind: { type: 'boolean' },
    commands: [...RUNS, 'dedup'],
    group: 'options',
    help: 'run against the built-in simulator instead of the API (free; writes *.simulated.jsonl)',
  },
];
