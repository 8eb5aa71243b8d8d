import * as path from 'node:path';

export type Severity = 'error' | 'warning';

/**
 * One problem in a prompt file. Positions are 1-based, like editors and compilers print them;
 * the VS Code adapter subtracts one.
 */
export interface Diagnostic {
  /** Absolute path of the prompt file. */
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** Dotted path of the field (`output.format`, `variables.topic[2]`), or `(file)` for the whole file. */
  field: string;
  /** Says what was expected and what was found; never repeats file, position or field. */
  message: string;
  severity: Severity;
}

/** Field name used for problems that belong to the whole file (empty, not YAML, not a mapping). */
export const FILE_FIELD = '(file)';

/** `support.forge.yaml:7:8: turns: expected …` — the path relative to `relativeTo` when it lies inside it. */
export function formatDiagnostic(d: Diagnostic, relativeTo?: string): string {
  const shown = displayPath(d.file, relativeTo ?? process.cwd());
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  return `${shown}:${d.line}:${d.column}: ${prefix}${d.field}: ${d.message}`;
}

function displayPath(file: string, base: string): string {
  const rel = path.relative(base, file);
  const outside = rel === '' || rel.startsWith('..') || path.isAbsolute(rel);
  return (outside ? file : rel).split(path.sep).join('/');
}

/** By file, then position; errors before warnings at the same spot. Returns a new array. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      a.field.localeCompare(b.field),
  );
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** How a value found in the file is shown after `got`: strings quoted, structures named. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** `output.format`, `variables.topic[2]`: how a field is named in messages. */
export function fieldName(path: readonly (string | number)[]): string {
  if (path.length === 0) return FILE_FIELD;
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}
