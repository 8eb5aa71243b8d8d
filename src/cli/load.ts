import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { modelLookup } from '../core/generate/run/assemble';
import { findPromptFiles, validatePromptFiles, type Diagnostic } from '../core/generate/prompt-file';
import type { PromptFile } from '../core/generate/types';

export interface LoadedPromptFiles {
  files: PromptFile[];
  diagnostics: Diagnostic[];
  /** Inputs that matched nothing or could not be read: usage errors. */
  problems: string[];
  ok: boolean;
}

/**
 * The workspace that output paths must stay inside: the current directory when every prompt file
 * is in it, else the deepest folder that holds them all.
 */
export function workspaceRootFor(files: readonly string[], cwd: string): string {
  const inside = (f: string) => !path.relative(cwd, f).startsWith('..') && !path.isAbsolute(path.relative(cwd, f));
  if (files.every(inside)) return cwd;
  let root = path.dirname(files[0]!);
  for (const f of files) {
    while (path.relative(root, f).startsWith('..')) root = path.dirname(root);
  }
  return root;
}

/** Finds, reads and validates prompt files. */
export async function loadPromptFiles(inputs: readonly string[], cwd: string): Promise<LoadedPromptFiles> {
  const found = await findPromptFiles(inputs, cwd);
  const problems = found.problems.map((p) => `${p.pattern}: ${p.message}`);
  const sources: { path: string; text: string }[] = [];
  for (const file of found.files) {
    try {
      sources.push({ path: file, text: await readFile(file, 'utf8') });
    } catch (e) {
      problems.push(`${path.relative(cwd, file) || file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  const result = validatePromptFiles(sources, {
    workspaceRoot: workspaceRootFor(found.files, cwd),
    ...modelLookup(),
  });
  return {
    files: result.files,
    diagnostics: result.diagnostics,
    problems,
    ok: result.ok && problems.length === 0 && sources.length > 0,
  };
}
