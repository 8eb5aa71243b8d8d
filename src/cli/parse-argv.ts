import { closest } from '../core/generate/prompt-file/closest';
import { FLAGS, flagNamed, flagWithShort, flagsOf, type Command, type FlagSpec } from './flags';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface RawArgs {
  positionals: string[];
  /** Flag name -> its raw text (`true` for a boolean flag that was given). */
  values: Map<string, string | true>;
}

function suggestion(word: string, candidates: Iterable<string>): string {
  const near = closest(word, candidates);
  return near === undefined ? '' : `; did you mean \`--${near}\`?`;
}

/**
 * Splits argv into flags and positionals. A value flag takes the next token whatever it looks
 * like (`--budget -5` is a value, so its range check can name it), `--name=value` works for any
 * value flag, and everything after `--` is positional.
 */
export function tokenize(argv: readonly string[]): RawArgs {
  const positionals: string[] = [];
  const values = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = token.slice(2, eq < 0 ? undefined : eq);
      if (eq >= 0) inline = token.slice(eq + 1);
      spec = flagNamed(name);
      if (!spec)
        throw new UsageError(
          `unknown option \`--${name}\`${suggestion(
            name,
            FLAGS.map((f) => f.name),
          )}`,
        );
    } else if (token.startsWith('-') && token.length > 1 && !/^-\d/.test(token)) {
      spec = flagWithShort(token.slice(1));
      if (!spec) throw new UsageError(`unknown option \`${token}\``);
    } else {
      positionals.push(token);
      continue;
    }
    if (spec.kind.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${spec.name}: takes no value, got \`${inline}\``);
      values.set(spec.name, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${spec.name}: expected a value (${spec.value ?? 'text'})`);
    values.set(spec.name, value);
  }
  return { positionals, values };
}

/** Refuses flags that mean nothing to the command, naming the ones that do. */
export function checkFlagsBelong(command: Command, values: Map<string, string | true>): void {
  const allowed = flagsOf(command);
  for (const name of values.keys()) {
    if (allowed.some((f) => f.name === name)) continue;
    const users = flagNamed(name)!.commands.filter((c) => c !== 'help' && c !== 'version');
    throw new UsageError(`--${name} is not an option of ${command} (it belongs to ${users.join(', ')})`);
  }
}

/** Parses and range-checks one flag's raw value in the house style of the prompt-file errors. */
export function flagValue(spec: FlagSpec, raw: string): number | string {
  const got = `\`${raw}\``;
  switch (spec.kind.type) {
    case 'integer': {
      const { min, max } = spec.kind;
      const n = Number(raw);
      const range = max === undefined ? `an integer from ${min} up` : `an integer from ${min} to ${max}`;
      if (raw.trim() === '' || !Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
        throw new UsageError(`--${spec.name}: expected ${range}, got ${got}`);
      }
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || n <= spec.kind.above) {
        const range = spec.kind.above === -1 ? 'a number from 0' : `a number above ${spec.kind.above}`;
        throw new UsageError(`--${spec.name}: expected ${range}, got ${got}`);
      }
      return n;
    }
    case 'choice': {
      if (!spec.kind.choices.includes(raw)) {
        const near = closest(raw, spec.kind.choices);
        throw new UsageError(
          `--${spec.name}: expected one of ${spec.kind.choices.join(', ')}, got ${got}${near ? `; did you mean \`${near}\`?` : ''}`,
        );
      }
      return raw;
    }
    case 'text':
      if (raw.trim() === '') throw new UsageError(`--${spec.name}: expected ${spec.value ?? 'a value'}, got an empty value`);
      return raw;
    case 'boolean':
      throw new Error(`flag --${spec.name} is boolean`);
  }
}

export function commandSuggestion(word: string, commands: readonly string[]): string {
  const near = closest(word, commands);
  return near === undefined ? '' : `; did you mean \`${near}\`?`;
}
