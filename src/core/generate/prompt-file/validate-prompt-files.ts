import * as path from 'node:path';
import type { PromptFile } from '../types';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostic';
import { analysePromptFile, type ParseOptions, type ParsedSpans } from './parse-prompt-file';
import type { Span } from './yaml-source';

export interface PromptFileSource {
  /** Absolute path. */
  path: string;
  text: string;
}

export interface ValidationResult {
  /** False when any file has an error; warnings alone keep it true. */
  ok: boolean;
  /** Files that parsed without errors, in input order. */
  files: PromptFile[];
  /** Every problem of every file, sorted by file and position. */
  diagnostics: Diagnostic[];
}

/**
 * Parses every file, then checks what only the set can show: batch names must be unique (they key
 * resume state) and no two files may write the same dataset (they would interleave lines).
 */
export function validatePromptFiles(
  sources: readonly PromptFileSource[],
  options: Omit<ParseOptions, 'file' | 'workspaceRoot'> & { workspaceRoot: string | ((promptFile: string) => string) },
): ValidationResult {
  const rootOf = typeof options.workspaceRoot === 'function' ? options.workspaceRoot : () => options.workspaceRoot as string;
  const diagnostics: Diagnostic[] = [];
  const parsed: Array<{ file: PromptFile; spans: ParsedSpans }> = [];
  for (const source of sources) {
    const { result, spans } = analysePromptFile(source.text, { ...options, workspaceRoot: rootOf(source.path), file: source.path });
    diagnostics.push(...result.diagnostics);
    if (result.ok) parsed.push({ file: result.file, spans });
  }
  const base = (p: Parsed) => rootOf(p.file.path);
  diagnostics.push(
    ...clashes(
      parsed,
      (p) => p.file.name,
      'name',
      (p) => p.spans.name,
      (other, value) =>
        `batch name "${value}" is also used by ${shown(other.file.path, base(other))}: expected a name unique across prompt files (set name: to tell them apart)`,
    ),
    ...clashes(
      parsed,
      (p) => outputKey(p.file.output.path),
      'output.path',
      (p) => p.spans.outputPath,
      (other) =>
        `expected a dataset file of its own, got the same file as ${shown(other.file.path, base(other))} (${shown(other.file.output.path, base(other))})`,
    ),
  );
  const bad = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  return {
    ok: !hasErrors(diagnostics),
    files: parsed.filter((p) => !bad.has(p.file.path)).map((p) => p.file),
    diagnostics: sortDiagnostics(diagnostics),
  };
}

type Parsed = { file: PromptFile; spans: ParsedSpans };

/** One error on every member of a clash, each naming the first other member. */
function clashes(
  parsed: readonly Parsed[],
  keyOf: (p: Parsed) => string,
  field: string,
  spanOf: (p: Parsed) => Span | undefined,
  message: (other: Parsed, value: string) => string,
): Diagnostic[] {
  const groups = new Map<string, Parsed[]>();
  for (const p of parsed) {
    const key = keyOf(p);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const out: Diagnostic[] = [];
  for (const [value, group] of groups) {
    if (group.length < 2) continue;
    for (const p of group) {
      const other = group.find((g) => g !== p)!;
      const span = spanOf(p) ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
      out.push({ file: p.file.path, ...span, field, message: message(other, value), severity: 'error' });
    }
  }
  return out;
}

// Case-insensitive file systems (macOS, Windows by default) would merge names differing in case.
function outputKey(p: string): string {
  const resolved = path.resolve(p);
  return process.platform === 'darwin' || process.platform === 'win32' ? resolved.toLowerCase() : resolved;
}

function shown(file: string, base: string): string {
  const rel = path.relative(base, file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
}
