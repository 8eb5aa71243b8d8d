/**
 * Every flag of every command, in one table: the parser, the range checks, the per-command help
 * and the "did you mean" suggestions all read it, so a flag is added in exactly one place.
 */
export type Command =
  'generate' | 'estimate' | 'validate' | 'render' | 'report' | 'export' | 'simulate' | 'init' | 'batches' | 'help' | 'version';

export type FlagKind =
  | { type: 'boolean' }
  | { type: 'integer'; min: number; max?: number }
  | { type: 'number'; above: number }
  | { type: 'choice'; choices: readonly string[] }
  | { type: 'text' };

export interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  /** Placeholder shown in the help, e.g. `N` or `USD`. */
  value?: string;
  commands: readonly Command[];
  group: 'limits' | 'options';
  help: string;
}

const RUNS: readonly Command[] = ['generate', 'estimate'];
const LIMITED: readonly Command[] = ['generate', 'estimate', 'simulate'];
const ALL: readonly Command[] = [
  'generate',
  'estimate',
  'validate',
  'render',
  'report',
  'export',
  'simulate',
  'init',
  'batches',
  'help',
  'version',
];

export const FLAGS: readonly FlagSpec[] = [
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
    commands: RUNS,
    group: 'limits',
    help: 'charge output tokens as generated (default) or reserve max_tokens up front',
  },
  {
    name: 'redis',
    kind: { type: 'text' },
    value: 'URL',
    commands: RUNS,
    group: 'limits',
    help: 'share the budget across machines through Redis: redis://[user:password@]host:port[/db] or rediss:// (or set CONVFORGE_REDIS_URL); while it is unreachable the run waits, nothing is sent unmetered',
  },
  {
    name: 'no-share',
    kind: { type: 'boolean' },
    commands: RUNS,
    group: 'limits',
    help: "this process assumes the whole budget (default: shared with this user's other Forge processes on this machine)",
  },
  {
    name: 'concurrency',
    kind: { type: 'integer', min: 1 },
    value: 'N',
    commands: ['generate'],
    group: 'options',
    help: 'maximum requests in flight (default: derived from the limits and observed latency)',
  },
  {
    name: 'budget',
    kind: { type: 'number', above: 0 },
    value: 'USD',
    commands: ['generate'],
    group: 'options',
    help: 'stop dispatching before the request that would take the run past this spend',
  },
  {
    name: 'yes',
    short: 'y',
    kind: { type: 'boolean' },
    commands: ['generate'],
    group: 'options',
    help: 'start without asking even when the estimate is above --confirm-above',
  },
  {
    name: 'confirm-above',
    kind: { type: 'number', above: 0 },
    value: 'USD',
    commands: ['generate'],
    group: 'options',
    help: 'ask before a run estimated above this cost; refuse without --yes when not on a terminal (default 10)',
  },
  {
    name: 'overrun',
    kind: { type: 'number', above: 0 },
    value: 'FRACTION',
    commands: ['generate'],
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
    name: 'mode',
    kind: { type: 'choice', choices: ['online', 'batch'] },
    value: 'online|batch',
    commands: RUNS,
    group: 'options',
    help: "online (Messages API) or batch (Message Batches API: half price, results within 24 h) for every prompt file, overriding their mode field (default: each file's, online)",
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
  {
    name: 'poll-seconds',
    kind: { type: 'number', above: 0 },
    value: 'S',
    commands: ['generate'],
    group: 'options',
    help: 'longest wait between two polls of a Message Batch (default 60; polls start at a twelfth of it and back off)',
  },
  {
    name: 'limit',
    kind: { type: 'integer', min: 1 },
    value: 'N',
    commands: RUNS,
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
  {
    name: 'format',
    kind: { type: 'choice', choices: ['hf', 'openai', 'sharegpt', 'bedrock', 'parquet'] },
    value: 'hf|openai|sharegpt|bedrock|parquet',
    commands: ['export'],
    group: 'options',
    help: 'hf: Hugging Face messages JSONL; openai: OpenAI fine-tuning; sharegpt; bedrock: Amazon Bedrock (Claude); parquet: HF messages in Parquet shards (default hf)',
  },
  {
    name: 'validation',
    kind: { type: 'number', above: -1 },
    value: 'FRACTION',
    commands: ['export'],
    group: 'options',
    help: 'share of conversations in validation.* (split by id, the same on every export; default 0)',
  },
  {
    name: 'include-duplicates',
    kind: { type: 'boolean' },
    commands: ['export'],
    group: 'options',
    help: 'keep exact and near-duplicates (left out by default)',
  },
  {
    name: 'include-flagged',
    kind: { type: 'boolean' },
    commands: ['export'],
    group: 'options',
    help: 'keep conversations flagged as refusals or meta-commentary (left out by default)',
  },
  {
    name: 'force',
    kind: { type: 'boolean' },
    commands: ['export'],
    group: 'options',
    help: 'replace the files of an earlier export in --out',
  },
  {
    name: 'threshold',
    kind: { type: 'number', above: 0 },
    value: 'J',
    commands: ['report', 'export'],
    group: 'options',
    help: 'Jaccard similarity from which two conversations are near-duplicates (default 0.8; at most 1)',
  },
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
    commands: ['generate'],
    group: 'options',
    help: 'how long to wait out an unreachable API (probing with backoff) before stopping; jobs stay queued (default 30)',
  },
  {
    name: 'max-attempts',
    kind: { type: 'integer', min: 1 },
    value: 'N',
    commands: ['generate'],
    group: 'options',
    help: 'attempts per conversation before it is recorded as failed (default 5)',
  },
  {
    name: 'simulate',
    kind: { type: 'boolean' },
    commands: RUNS,
    group: 'options',
    help: 'run against the built-in simulator instead of the API (free; writes *.simulated.jsonl)',
  },
  {
    name: 'index',
    kind: { type: 'integer', min: 0 },
    value: 'N',
    commands: ['render'],
    group: 'options',
    help: 'the conversation to render, counted from 0 (default 0)',
  },
  {
    name: 'json',
    kind: { type: 'boolean' },
    commands: ['generate', 'estimate', 'validate', 'render', 'report', 'export', 'batches'],
    group: 'options',
    help: 'machine-readable output on stdout',
  },
  {
    name: 'port',
    kind: { type: 'integer', min: 0, max: 65535 },
    value: 'N',
    commands: ['simulate'],
    group: 'options',
    help: 'port to listen on (default 8787; 0 = any free port)',
  },
  {
    name: 'latency-ms',
    kind: { type: 'integer', min: 0 },
    value: 'N',
    commands: ['generate', 'estimate', 'simulate'],
    group: 'options',
    help: "the simulator's base latency of each response (with --simulate, or for simulate)",
  },
  {
    name: 'quiet',
    short: 'q',
    kind: { type: 'boolean' },
    commands: ['generate', 'estimate'],
    group: 'options',
    help: 'no progress display',
  },
  { name: 'help', short: 'h', kind: { type: 'boolean' }, commands: ALL, group: 'options', help: 'help for the command' },
  { name: 'version', short: 'v', kind: { type: 'boolean' }, commands: ALL, group: 'options', help: "convforge's version" },
];

export interface CommandSpec {
  name: Exclude<Command, 'help' | 'version'>;
  usage: string;
  summary: string;
  /** What the positionals are, or undefined when the command takes none. */
  inputs?: string;
  /** The positionals may be left out. */
  inputsOptional?: boolean;
}

export const COMMAND_SPECS: readonly CommandSpec[] = [
  {
    name: 'generate',
    usage: 'convforge generate <files|folders|globs…> [options]',
    inputs: 'prompt files',
    summary: 'generate datasets; resumes where a run stopped',
  },
  {
    name: 'estimate',
    usage: 'convforge estimate <files|folders|globs…> [options]',
    inputs: 'prompt files',
    summary: 'cost, token and wall-time estimate; sends no generation request',
  },
  {
    name: 'validate',
    usage: 'convforge validate <files|folders|globs…> [--json]',
    inputs: 'prompt files',
    summary: 'check prompt files; errors name file:line:column and field',
  },
  {
    name: 'render',
    usage: 'convforge render <file> [--index N] [--json]',
    inputs: 'one prompt file',
    summary: 'print the exact request(s) one conversation will send; sends nothing',
  },
  {
    name: 'report',
    usage: 'convforge report <datasets…> [--threshold J] [--json]',
    inputs: 'datasets',
    summary: 'quality report: counts, lengths, diversity, duplicates, refusals, failures, cost',
  },
  {
    name: 'export',
    usage: 'convforge export <datasets…> --out DIR [--format F] [options]',
    inputs: 'datasets',
    summary: 'write train/validation files in the formats training stacks read',
  },
  {
    name: 'batches',
    usage: 'convforge batches <files|folders|globs…> [--cancel ID | --cancel-all] [--json]',
    inputs: 'prompt files',
    summary: "list the prompt files' Message Batches (status, counts, age, expiry); cancel them",
  },
  {
    name: 'init',
    usage: 'convforge init [folder]',
    inputs: 'one folder',
    inputsOptional: true,
    summary: 'write the example prompt files into folder (default forge-examples)',
  },
  {
    name: 'simulate',
    usage: 'convforge simulate [--port N] [limit flags]',
    summary: 'run the built-in Anthropic API simulator (a free dry run)',
  },
];

export function flagsOf(command: Command): FlagSpec[] {
  return FLAGS.filter((f) => f.commands.includes(command));
}

export function flagNamed(name: string): FlagSpec | undefined {
  return FLAGS.find((f) => f.name === name);
}

export function flagWithShort(short: string): FlagSpec | undefined {
  return FLAGS.find((f) => f.short === short);
}
