import { ALL, type Command, type FlagSpec } from './flag-spec';
import { DATASET_FLAGS } from './dataset-flags';
import { LIMIT_FLAGS, RUN_RECOVERY_FLAGS, RUN_START_FLAGS } from './run-flags';
import { SIMULATOR_MESSAGE_BATCH_FLAGS } from './sim-flags';
import { MESSAGE_BATCH_FLAGS } from './message-batch-flags';

export type { Command, FlagKind, FlagSpec } from './flag-spec';

/** Flags of single commands and of all of them. */
const GENERAL_FLAGS: readonly FlagSpec[] = [
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
    commands: ['generate', 'estimate', 'validate', 'render', 'report', 'export', 'dedup', 'batches'],
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
    commands: ['generate', 'estimate', 'simulate', 'dedup'],
    group: 'options',
    help: "the simulator's base latency of each response (with --simulate, or for simulate)",
  },
  {
    name: 'quiet',
    short: 'q',
    kind: { type: 'boolean' },
    commands: ['generate', 'estimate', 'dedup'],
    group: 'options',
    help: 'no progress display',
  },
  { name: 'help', short: 'h', kind: { type: 'boolean' }, commands: ALL, group: 'options', help: 'help for the command' },
  { name: 'version', short: 'v', kind: { type: 'boolean' }, commands: ALL, group: 'options', help: "convforge's version" },
];

/**
 * Every flag of every command, in one table assembled from its groups in help order: the parser,
 * the range checks, the per-command help and the "did you mean" suggestions all read it, so a flag
 * is added in exactly one place.
 */
export const FLAGS: readonly FlagSpec[] = [
  ...LIMIT_FLAGS,
  ...RUN_START_FLAGS,
  ...DATASET_FLAGS,
  ...RUN_RECOVERY_FLAGS,
  ...SIMULATOR_MESSAGE_BATCH_FLAGS,
  ...MESSAGE_BATCH_FLAGS,
  ...GENERAL_FLAGS,
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
    usage: 'convforge report <datasets, folders or prompt files…> [--threshold J] [--json]',
    inputs: 'datasets',
    summary: 'quality report: counts, lengths, diversity, duplicates, refusals, failures, cost',
  },
  {
    name: 'export',
    usage: 'convforge export <datasets, folders or prompt files…> --out DIR [--format F] [options]',
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
    name: 'dedup',
    usage: 'convforge dedup <datasets, folders or prompt files…> [--drop | --regenerate] [options]',
    inputs: 'datasets',
    summary: 'find near-duplicates, mark them in the journal; drop them, or regenerate them with a new variation',
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
