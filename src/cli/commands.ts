import { systemClock } from '../core/clock';
import { formatDiagnostic, hasErrors } from '../core/generate/prompt-file';
import type { PromptFile } from '../core/generate/types';
import { estimateFiles, messageBatchSpecs, openTokenCounter } from '../engine';
import { EXIT, type CliArgs } from './args';
import { connect, settingsFrom } from './connect';
import { estimateLines, relative } from './format';
import { loadPromptFiles, type LoadedPromptFiles } from './load';
import { renderConversation, renderLines } from './render';
import { pendingValueLines } from './values-lines';

export interface CliIo {
  cwd: string;
  /** Asks a yes/no question on the terminal; absent when nobody can answer (no TTY on stdin). */
  ask?(question: string): Promise<boolean>;
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): void };
  stderr: { write(text: string): void; isTTY: boolean; columns?: number };
  /** Resolves when the user asks to stop (Ctrl-C / SIGTERM). */
  onInterrupt(listener: () => void): void;
}

function printDiagnostics(loaded: LoadedPromptFiles, io: CliIo): void {
  for (const p of loaded.problems) io.stderr.write(`${p}\n`);
  for (const d of loaded.diagnostics) io.stderr.write(`${formatDiagnostic(d, io.cwd)}\n`);
}

export async function loadOrExplain(args: CliArgs, io: CliIo): Promise<LoadedPromptFiles | number> {
  const loaded = trial(await loadPromptFiles(args.inputs, io.cwd, args.simulate), args.limit);
  printDiagnostics(loaded, io);
  if (!loaded.ok) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    const what = errors > 0 ? `${errors} error${errors === 1 ? '' : 's'} in prompt files` : 'no usable prompt files';
    io.stderr.write(`Nothing was sent: ${what}.\n`);
    return EXIT.usage;
  }
  return loaded;
}

/**
 * `--limit N`: the first N conversations of each file. Ids do not depend on `count`, so these are
 * the same conversations the full run would make, and the full run skips them when it resumes.
 */
function trial(loaded: LoadedPromptFiles, limit: number | undefined): LoadedPromptFiles {
  if (limit === undefined) return loaded;
  return { ...loaded, files: loaded.files.map((f) => ({ ...f, count: Math.min(f.count, limit) })) };
}

export async function validateCommand(args: CliArgs, io: CliIo): Promise<number> {
  const loaded = await loadPromptFiles(args.inputs, io.cwd);
  if (args.json) {
    io.stdout.write(
      JSON.stringify({
        ok: loaded.ok,
        files: loaded.files.map((f) => relative(io.cwd, f.path)),
        problems: loaded.problems,
        diagnostics: loaded.diagnostics,
      }) + '\n',
    );
  } else {
    printDiagnostics(loaded, io);
    if (loaded.ok) {
      const n = loaded.files.reduce((s, f) => s + f.count, 0);
      io.stdout.write(`${loaded.files.length} prompt file(s) valid: ${n} conversations\n`);
      for (const line of pendingValueLines(loaded.files, io.cwd)) io.stdout.write(`${line}\n`);
    }
  }
  return loaded.ok && !hasErrors(loaded.diagnostics) ? EXIT.ok : EXIT.usage;
}

export async function renderCommand(args: CliArgs, io: CliIo): Promise<number> {
  const loaded = await loadOrExplain(args, io);
  if (typeof loaded === 'number') return loaded;
  const rendered = renderConversation(loaded.files[0]!, args.index ?? 0);
  io.stdout.write(args.json ? JSON.stringify(rendered) + '\n' : renderLines(rendered).join('\n') + '\n');
  return EXIT.ok;
}

/** `--cache` overrides every file's `cache` field (it changes the price, never the conversations or their ids). */
export function withCacheFlag(files: readonly PromptFile[], args: CliArgs): PromptFile[] {
  return args.cache === undefined ? [...files] : files.map((f) => ({ ...f, cache: args.cache! }));
}

export async function estimateCommand(args: CliArgs, io: CliIo): Promise<number> {
  const loaded = await loadOrExplain(args, io);
  if (typeof loaded === 'number') return loaded;
  const settings = settingsFrom(args, io.env);
  const conn = await connect(args, io.env);
  try {
    const files = withCacheFlag(loaded.files, args);
    // Paced on the shared budget: a run in another process and this estimate draw on one count_tokens RPM.
    const counting = await openTokenCounter(settings, conn.opened.endpoint, systemClock, {
      onNotice: (m) => io.stderr.write(`convforge: ${m}\n`),
    });
    let estimate;
    try {
      estimate = await estimateFiles({ files, settings, caller: counting.counter, isMessageBatch: messageBatchSpecs(files, args.mode) });
    } finally {
      await counting.store.dispose();
    }
    if (args.json) io.stdout.write(JSON.stringify({ simulated: conn.simulated, ...estimate }) + '\n');
    else io.stdout.write(estimateLines(estimate, io.cwd).join('\n') + '\n');
    return EXIT.ok;
  } finally {
    await conn.close();
  }
}
