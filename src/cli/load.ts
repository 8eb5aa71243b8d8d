import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { modelLookup } from '../engine';
import { findPromptFiles, validatePromptFiles, type Diagnostic } from '../core/generate/prompt-file';
import { workspaceRootOf } from '../core/generate/prompt-file/workspace-root';
import type { PromptFile } from '../core/generate/types';
import { valuesReader } from '../core/generate/values/values-reader';

export interface LoadedPromptFiles {
  files: PromptFile[];
  diagnostics: Diagnostic[];
  /** Inputs that matched nothing or could not be read: usage errors. */
  problems: string[];
  ok: boolean;
}

/** Finds, reads and validates prompt files (and their generated values). */
export async function loadPromptFiles(inputs: readonly string[], cwd: string, simulated = false): Promise<LoadedPromptFiles> {
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
    workspaceRoot: (file) => workspaceRootOf(file),
    readValues: valuesReader(simulated),
    ...modelLookup(),
  });
  return {
    files: result.files,
    diagnostics: result.diagnostics,
    problems,
    ok: result.ok && problems.length === 0 && sources.length > 0,
  };
}
