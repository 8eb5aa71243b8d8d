import { parseArgs } from 'node:util';

/** Exit codes are part of the CLI's contract (scripts and CI branch on them). */
export const EXIT = { ok: 0, someFailed: 1, usage: 2, interrupted: 130 } as const;

export type Command = 'generate' | 'estimate' | 'validate' | 'simulate' | 'help' | 'version';
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
  /** simulate: port to listen on. */
  port?: number;
  /** simulate: base latency of each response. */
  latencyMs?: number;
  quiet: boolean;
  /** --no-share: this process assumes the whole budget. */
  noShare: boolean;
  /** --redis URL: share the budget across machines. */
  redis?: string;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const COMMANDS: readonly Command[] = ['generate', 'estimate', 'validate', 'simulate', 'help', 'version'];
const TIERS: readonly TierName[] = ['start', 'build', 'scale'];

const OPTIONS = {
  tier: { type: 'string' },
  rpm: { type: 'string' },
  itpm: { type: 'string' },
  otpm: { type: 'string' },
  concurrency: { type: 'string' },
  budget: { type: 'string' },
  out: { type: 'string' },
  'retry-failed': { type: 'boolean', default: false },
  'new-version': { type: 'boolean', default: false },
  simulate: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  'max-attempts': { type: 'string' },
  'output-accounting': { type: 'string' },
  port: { type: 'string' },
  'latency-ms': { type: 'string' },
  quiet: { type: 'boolean', short: 'q', default: false },
  'no-share': { type: 'boolean', default: false },
  redis: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} as const;

function describe(value: string): string {
  return `\`${value}\``;
}

function integer(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${flag}: expected an integer from ${min} up, got ${describe(raw)}`);
  }
  return n;
}

function positive(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${flag}: expected a number above 0, got ${describe(raw)}`);
  }
  return n;
}

function oneOf<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`--${flag}: expected one of ${allowed.join(', ')}, got ${describe(raw)}`);
  }
  return raw as T;
}

/** Parses argv (without node and script); throws UsageError with a one-line message on bad input. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  let command: Command;
  if (values.version) command = 'version';
  else if (values.help || first === undefined) command = 'help';
  else if ((COMMANDS as readonly string[]).includes(first)) command = first as Command;
  else throw new UsageError(`unknown command ${describe(first)}; expected one of ${COMMANDS.join(', ')}`);

  const inputs = command === 'help' || command === 'version' ? [] : rest;
  if ((command === 'generate' || command === 'estimate' || command === 'validate') && inputs.length === 0) {
    throw new UsageError(`${command}: name at least one prompt file, folder or glob (e.g. examples/)`);
  }
  if (command === 'simulate' && inputs.length > 0) {
    throw new UsageError(`simulate: takes no files, got ${describe(inputs[0]!)}`);
  }

  const limits: LimitFlags = {};
  const tier = oneOf('tier', values.tier, TIERS);
  if (tier) limits.tier = tier;
  const rpm = integer('rpm', values.rpm, 1);
  if (rpm !== undefined) limits.rpm = rpm;
  const itpm = integer('itpm', values.itpm, 1);
  if (itpm !== undefined) limits.itpm = itpm;
  const otpm = integer('otpm', values.otpm, 1);
  if (otpm !== undefined) limits.otpm = otpm;

  const args: CliArgs = {
    command,
    inputs,
    limits,
    retryFailed: values['retry-failed'],
    newVersion: values['new-version'],
    simulate: values.simulate,
    json: values.json,
    outputAccounting: oneOf('output-accounting', values['output-accounting'], ['reserve', 'actual'] as const) ?? 'actual',
    quiet: values.quiet,
    noShare: values['no-share'],
  };
  if (values.redis !== undefined) {
    if (values.redis.trim() === '') throw new UsageError('--redis: expected a redis:// URL, got an empty value');
    if (values['no-share']) throw new UsageError('--redis and --no-share contradict each other: choose one');
    args.redis = values.redis.trim();
  }
  const concurrency = integer('concurrency', values.concurrency, 1);
  if (concurrency !== undefined) args.concurrency = concurrency;
  const budget = positive('budget', values.budget);
  if (budget !== undefined) args.budget = budget;
  if (values.out !== undefined) {
    if (values.out.trim() === '') throw new UsageError('--out: expected a folder, got an empty value');
    args.out = values.out;
  }
  const maxAttempts = integer('max-attempts', values['max-attempts'], 1);
  if (maxAttempts !== undefined) args.maxAttempts = maxAttempts;
  const port = integer('port', values.port, 0);
  if (port !== undefined) {
    if (port > 65535) throw new UsageError(`--port: expected an integer from 0 to 65535, got \`${port}\``);
    args.port = port;
  }
  const latencyMs = integer('latency-ms', values['latency-ms'], 0);
  if (latencyMs !== undefined) args.latencyMs = latencyMs;
  return args;
}

export const HELP = `convforge — generate synthetic multi-turn conversations with Claude, as fast as your rate limits allow

Usage:
  convforge generate <files|folders|globs…> [options]   generate datasets (resumes where a run stopped)
  convforge estimate <files|folders|globs…> [options]   cost, token and wall-time estimate; sends no generation request
  convforge validate <files|folders|globs…>             check prompt files; errors name file:line:column and field
  convforge simulate [--port N] [limit flags]           run the built-in Anthropic API simulator (a free dry run)

Limits (per model class; learned and corrected from the API's rate-limit headers while running):
  --tier start|build|scale   preset limits for your account tier (default: start)
  --rpm N --itpm N --otpm N  explicit requests / input tokens / output tokens per minute (win over --tier)
  --output-accounting actual|reserve
                             charge output tokens as generated (default) or reserve max_tokens up front

Sharing (one budget per API key; see README "Shared limits"):
  (default)          share with this user's other Forge processes on this machine (VS Code windows, convforge)
  --redis URL        share across machines through Redis: redis://[user:password@]host:port[/db] or rediss://
                     (or set CONVFORGE_REDIS_URL); while Redis is unreachable the run waits, nothing is sent unmetered
  --no-share         this process assumes it has the whole budget

Options:
  --concurrency N    maximum requests in flight (default: derived from limits and observed latency)
  --budget USD       stop dispatching before the request that would exceed this spend
  --out DIR          write every dataset into DIR instead of each prompt file's output.path
  --retry-failed     regenerate conversations recorded as failed in an earlier run
  --new-version      after editing a prompt file, append its new version's conversations to a dataset
                     that holds the earlier version's (otherwise refused: set a new output.path instead)
  --max-attempts N   attempts per conversation before it is recorded as failed (default 5)
  --simulate         run against the built-in simulator instead of the API (free; writes *.simulated.jsonl)
  --json             print one machine-readable summary at the end
  --latency-ms N     simulate: base latency of each response
  -q, --quiet        no progress display
  -h, --help         this help;  -v, --version

Environment: ANTHROPIC_API_KEY (required unless --simulate), ANTHROPIC_BASE_URL (optional endpoint),
  CONVFORGE_REDIS_URL (shared limits across machines), CONVFORGE_STATE_DIR (where shared limits live on this machine).
Exit codes: 0 all generated, 1 some failed or the run stopped early, 2 bad input or usage, 130 interrupted.
`;
