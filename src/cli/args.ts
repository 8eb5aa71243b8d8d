import { COMMAND_SPECS, flagNamed, type Command } from './flags';
import { checkFlagsBelong, commandSuggestion, flagValue, tokenize, UsageError } from './parse-argv';
import { commandHelp, globalHelp } from './help';
import { simulatorMessageBatchOptions } from './sim-flags';
import type { MessageBatchConfig } from '../sim/message-batches/batch-options';

export { UsageError } from './parse-argv';
export type { Command } from './flags';

/** Exit codes are part of the CLI's contract (scripts and CI branch on them). */
export const EXIT = { ok: 0, someFailed: 1, usage: 2, interrupted: 130 } as const;

export type TierName = 'start' | 'build' | 'scale';
export type OutputAccountingFlag = 'reserve' | 'actual';

export interface LimitFlags {
  tier?: TierName;
  rpm?: number;
  itpm?: number;
  otpm?: number;
}

export interface CliArgs {
  command: Command;
  /** help: the command whose help was asked for (`convforge generate --help`). */
  helpFor?: Exclude<Command, 'help' | 'version'>;
  inputs: string[];
  limits: LimitFlags;
  concurrency?: number;
  budget?: number;
  out?: string;
  retryFailed: boolean;
  /** generate: append a prompt file's new version to a dataset that holds an earlier one. */
  newVersion: boolean;
  simulate: boolean;
  json: boolean;
  maxAttempts?: number;
  outputAccounting: OutputAccountingFlag;
  /** generate/estimate: only the first N conversations of each prompt file (a trial run). */
  limit?: number;
  /** generate: start without the spend confirmation. */
  yes: boolean;
  /** generate: ask for confirmation above this estimated cost (USD). */
  confirmAboveUsd?: number;
  /** generate, without --budget: stop once spend exceeds the estimate by this fraction. */
  overrun?: number;
  /** report/export: near-duplicate Jaccard threshold. */
  threshold?: number;
  /** export */
  format?: 'hf' | 'openai' | 'sharegpt' | 'bedrock' | 'parquet';
  validation?: number;
  includeDuplicates: boolean;
  includeFlagged: boolean;
  force: boolean;
  /** dedup: what to do with the duplicates found (absent: mark them only). */
  dedupAction?: 'drop' | 'regenerate';
  /** generate: minutes to wait out an unreachable API. */
  patienceMinutes?: number;
  /** render: the conversation index. */
  index?: number;
  /** generate/estimate: prompt caching for every file, overriding their `cache` field. */
  cache?: 'auto' | 'off' | '1h';
  /** generate/estimate: online or Message Batches for every file, overriding their `mode` field. */
  mode?: 'online' | 'batch';
  /** batches: cancel this Message Batch. */
  cancel?: string;
  /** batches: cancel every one still processing. */
  cancelAll: boolean;
  /** generate: longest wait between two polls of a Message Batch. */
  pollSeconds?: number;
  /** simulate: port to listen on. */
  port?: number;
  /** simulate (and --simulate): base latency of each response. */
  latencyMs?: number;
  /** simulate (and --simulate): the simulator's Message Batches options (sim-flags.ts). */
  simMessageBatches?: Partial<MessageBatchConfig>;
  quiet: boolean;
  /** --no-share: this process assumes the whole budget. */
  noShare: boolean;
  /** --redis URL: share the budget across machines. */
  redis?: string;
}

const COMMANDS: readonly Command[] = [...COMMAND_SPECS.map((c) => c.name), 'help', 'version'];

/** Parses argv (without node and script); throws UsageError with a one-line message on bad input. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const { positionals, values } = tokenize(argv);
  const [first, ...rest] = positionals;
  let command: Command;
  let helpFor: CliArgs['helpFor'];
  if (values.has('version')) command = 'version';
  else if (first === undefined) command = 'help';
  else if (first === 'help') {
    command = 'help';
    const topic = rest[0];
    if (topic !== undefined) {
      const spec = COMMAND_SPECS.find((c) => c.name === topic);
      if (!spec) throw new UsageError(`help: unknown command \`${topic}\`${commandSuggestion(topic, COMMANDS)}`);
      helpFor = spec.name;
    }
  } else if ((COMMANDS as readonly string[]).includes(first)) command = first as Command;
  else {
    const hint = commandSuggestion(first, COMMANDS);
    throw new UsageError(`unknown command \`${first}\`${hint || `; expected one of ${COMMANDS.join(', ')}`}`);
  }

  if (values.has('help') && command !== 'help' && command !== 'version') {
    return { ...defaults('help', []), helpFor: command };
  }
  if (command === 'help' || command === 'version') return { ...defaults(command, []), ...(helpFor ? { helpFor } : {}) };
  checkFlagsBelong(command, values);

  const inputs = rest;
  const spec = COMMAND_SPECS.find((c) => c.name === command)!;
  if (spec.inputs !== undefined && inputs.length === 0 && !spec.inputsOptional) {
    const what =
      spec.inputs === 'one prompt file'
        ? 'a prompt file'
        : spec.inputs === 'datasets'
          ? 'at least one dataset (.jsonl)'
          : 'at least one prompt file, folder or glob (e.g. examples/)';
    throw new UsageError(`${command}: name ${what}`);
  }
  if (spec.inputs === undefined && inputs.length > 0) throw new UsageError(`${command}: takes no files, got \`${inputs[0]}\``);
  if (spec.inputs === 'one prompt file' && inputs.length > 1)
    throw new UsageError(`${command}: takes one prompt file, got ${inputs.length}`);
  if (spec.inputs === 'one folder' && inputs.length > 1)
    throw new UsageError(`${command}: takes at most one folder, got ${inputs.map((i) => `\`${i}\``).join(' ')}`);

  const get = (name: string): string | number | boolean | undefined => {
    const raw = values.get(name);
    if (raw === undefined) return undefined;
    if (raw === true) return true;
    return flagValue(flagNamed(name)!, raw);
  };
  const num = (name: string) => get(name) as number | undefined;
  const args: CliArgs = {
    ...defaults(command, inputs),
    retryFailed: get('retry-failed') === true,
    newVersion: get('new-version') === true,
    simulate: get('simulate') === true,
    json: get('json') === true,
    quiet: get('quiet') === true,
    yes: get('yes') === true,
    includeDuplicates: get('include-duplicates') === true,
    includeFlagged: get('include-flagged') === true,
    force: get('force') === true,
    outputAccounting: (get('output-accounting') as OutputAccountingFlag | undefined) ?? 'actual',
    noShare: get('no-share') === true,
    cancelAll: get('cancel-all') === true,
  };
  const redis = get('redis') as string | undefined;
  if (redis !== undefined) {
    if (args.noShare) throw new UsageError('--redis and --no-share contradict each other: choose one');
    // A dry run's limits are the built-in simulator's own, shared with nobody: said, not ignored.
    if (args.simulate)
      throw new UsageError(
        '--redis with --simulate: a dry run against the built-in simulator shares no limits, so it would not use Redis; drop one',
      );
    args.redis = redis.trim();
  }
  const tier = get('tier') as TierName | undefined;
  if (tier) args.limits.tier = tier;
  for (const k of ['rpm', 'itpm', 'otpm'] as const) {
    const n = num(k);
    if (n !== undefined) args.limits[k] = n;
  }
  const optional = {
    concurrency: num('concurrency'),
    budget: num('budget'),
    out: get('out') as string | undefined,
    maxAttempts: num('max-attempts'),
    limit: num('limit'),
    confirmAboveUsd: num('confirm-above'),
    overrun: num('overrun'),
    index: num('index'),
    patienceMinutes: num('patience'),
    threshold: num('threshold'),
    validation: num('validation'),
    format: get('format') as CliArgs['format'],
    cache: get('cache') as CliArgs['cache'],
    mode: get('mode') as CliArgs['mode'],
    pollSeconds: num('poll-seconds'),
    cancel: get('cancel') as string | undefined,
    port: num('port'),
    latencyMs: num('latency-ms'),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (args as unknown as Record<string, unknown>)[k] = v;
  const simMessageBatches = simulatorMessageBatchOptions(get);
  if (simMessageBatches) {
    const named = [...values.keys()].find((k) => k.startsWith('message-batch-'));
    if (command === 'generate' && !args.simulate) throw new UsageError(`--${named}: configures the simulator, so it needs --simulate`);
    args.simMessageBatches = simMessageBatches;
  }
  if (args.threshold !== undefined && args.threshold > 1)
    throw new UsageError(`--threshold: expected a number above 0 and at most 1, got \`${args.threshold}\``);
  const errored = num('message-batch-errored');
  if (errored !== undefined && errored > 1)
    throw new UsageError(`--message-batch-errored: expected a number from 0 to 1, got \`${errored}\``);
  if (args.validation !== undefined && (args.validation < 0 || args.validation >= 1)) {
    throw new UsageError(`--validation: expected a number from 0 and below 1, got \`${args.validation}\``);
  }
  if (args.cancel !== undefined && args.cancelAll) throw new UsageError('--cancel and --cancel-all contradict each other: choose one');
  if (get('drop') === true && get('regenerate') === true) throw new UsageError('--drop and --regenerate contradict each other: choose one');
  if (get('drop') === true) args.dedupAction = 'drop';
  if (get('regenerate') === true) args.dedupAction = 'regenerate';
  if (command === 'export' && args.out === undefined) throw new UsageError('export: name the folder to write with --out DIR');
  return args;
}

function defaults(command: Command, inputs: string[]): CliArgs {
  return {
    command,
    inputs,
    limits: {},
    retryFailed: false,
    newVersion: false,
    simulate: false,
    json: false,
    yes: false,
    includeDuplicates: false,
    includeFlagged: false,
    force: false,
    outputAccounting: 'actual',
    quiet: false,
    noShare: false,
    cancelAll: false,
  };
}

/** The help text for a parsed `help` invocation. */
export function helpText(args: Pick<CliArgs, 'helpFor'>): string {
  return args.helpFor ? commandHelp(args.helpFor) : globalHelp();
}

export const HELP = globalHelp();
