import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/commands';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempWorkspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convforge-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Runs the CLI in-process with captured output; `interruptAfterMs` simulates Ctrl-C. */
export async function cli(
  argv: string[],
  cwd: string,
  options: { env?: NodeJS.ProcessEnv; interrupt?: (fire: () => void) => void; ask?: CliIo['ask'] } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const listeners: (() => void)[] = [];
  const io: CliIo = {
    cwd,
    env: options.env ?? {},
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
    onInterrupt: (l) => listeners.push(l),
    ...(options.ask ? { ask: options.ask } : {}),
  };
  options.interrupt?.(() => listeners.forEach((l) => l()));
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

export function readJsonl(file: string): unknown[] {
  const text = fs.readFileSync(file, 'utf8');
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error(`${file} does not end with a newline`);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
}

/** The record entries of a journal (`x.meta.jsonl`), without its mark lines (duplicate, regenerate, dropped). */
export function journalRecords(file: string): unknown[] {
  return readJsonl(file).filter((l) => !Object.hasOwn(l as object, 'mark'));
}

export const SMALL_FILE = (name: string, count: number, extra = '') => `name: ${name}
model: claude-haiku-5-5
count: ${count}
turns: 4
max_tokens: 1024
prompt: A {{who}} asks about {{what}}.
variables:
  who: [student, teacher]
  what: [fractions, gravity, tides]
output:
  path: out/${name}.jsonl
  format: openai
  system_prompt: You are helpful.
${extra}`;
