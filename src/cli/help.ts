import { COMMAND_SPECS, flagsOf, type Command, type FlagSpec } from './flags';

const FOOTER = `\n\nEnvironment: ANTHROPIC_API_KEY (required unless --simulate), ANTHROPIC_BASE_URL (optional endpoint),
  CONVFORGE_REDIS_URL (shared limits across machines), CONVFORGE_STATE_DIR (where shared limits live on this machine).
Exit codes: 0 all generated, 1 some failed or the run stopped early, 2 bad input or usage, 130 interrupted.
`;

function flagLine(f: FlagSpec): string[] {
  const names = `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.value ? ` ${f.value}` : ''}`;
  const width = 28;
  if (names.length < width - 2) return [`  ${names.padEnd(width)}${f.help}`];
  return [`  ${names}`, `  ${''.padEnd(width)}${f.help}`];
}

function section(title: string, flags: FlagSpec[]): string[] {
  return flags.length === 0 ? [] : ['', `${title}:`, ...flags.flatMap(flagLine)];
}

/** The global help: the commands, and where each one's flags are documented. */
export function globalHelp(): string {
  const lines = [
    'convforge — generate synthetic multi-turn conversations with Claude, as fast as your rate limits allow',
    '',
    'Start here:',
    '  convforge init && convforge generate forge-examples --simulate',
    '',
    'Usage:',
    // A usage longer than its column puts the summary on the next line, aligned.
    ...COMMAND_SPECS.flatMap((c) =>
      c.usage.length < 54 ? [`  ${c.usage.padEnd(54)}${c.summary}`] : [`  ${c.usage}`, `  ${''.padEnd(54)}${c.summary}`],
    ),
    '',
    '`convforge <command> --help` lists the options of that command.',
    '  -h, --help                  this help;  -v, --version  the version',
  ];
  return lines.join('\n') + FOOTER;
}

/** One command's help: its usage and only the flags it takes. */
export function commandHelp(command: Exclude<Command, 'help' | 'version'>): string {
  const spec = COMMAND_SPECS.find((c) => c.name === command)!;
  const flags = flagsOf(command).filter((f) => f.name !== 'version');
  const lines = [
    `convforge ${command} — ${spec.summary}`,
    '',
    `Usage: ${spec.usage}`,
    ...section(
      "Limits (per model class; learned and corrected from the API's rate-limit headers while running)",
      flags.filter((f) => f.group === 'limits'),
    ),
    ...section(
      'Options',
      flags.filter((f) => f.group === 'options'),
    ),
  ];
  return lines.join('\n') + FOOTER;
}
