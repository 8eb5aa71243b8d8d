import * as path from 'node:path';
import { stringify } from 'yaml';
import { closest } from '../prompt-file/closest';
import { FILE_FIELD, fieldName, hasErrors, sortDiagnostics, type Diagnostic } from '../prompt-file/diagnostic';
import { findDuplicateKeys, keySpan, parseYaml, valueSpan, type PathSegment } from '../prompt-file/yaml-source';
import type { GeneratedVariable } from '../types';

/**
 * Generated values live beside their prompt file, one file per prompt file, as plain YAML the user
 * may edit: `support.forge.yaml` keeps them in `support.forge.values.yaml`. A dry run that finds
 * none writes `support.forge.values.simulated.yaml`, so simulator text never reaches a real run.
 */
export function valuesFileFor(promptFile: string, simulated: boolean): string {
  const dir = path.dirname(promptFile);
  const stem = path
    .basename(promptFile)
    .replace(/\.forge\.ya?ml$/i, '')
    .replace(/\.ya?ml$/i, '');
  return path.join(dir, `${stem}.forge.values${simulated ? '.simulated' : ''}.yaml`);
}

/** How two values are compared: case, and runs of whitespace, do not make a value new. */
export function normaliseValue(value: string): string {
  return value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export interface ParsedValues {
  /** Values of the generated variables the file holds without errors. */
  values: Record<string, string[]>;
  /** Problems, naming the values file. */
  diagnostics: Diagnostic[];
}

/**
 * Reads a values file as strictly as a prompt file: every problem is an error naming line and field
 * (`persona[3]`), since a bad value would reach every conversation that uses it.
 */
export function parseValuesFile(text: string, file: string, generated: readonly GeneratedVariable[]): ParsedValues {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const src = parseYaml(body);
  const diagnostics: Diagnostic[] = [];
  const at = (p: readonly PathSegment[], where: 'key' | 'value', message: string): void => {
    const span = where === 'key' ? keySpan(src, p) : valueSpan(src, p);
    diagnostics.push({ file, ...span, field: p.length ? fieldName([...p]) : FILE_FIELD, message, severity: 'error' });
  };
  const done = (values: Record<string, string[]>): ParsedValues => ({ values, diagnostics: sortDiagnostics(diagnostics) });
  for (const p of src.problems) diagnostics.push({ file, ...p.span, field: FILE_FIELD, message: p.message, severity: p.severity });
  if (hasErrors(diagnostics)) return done({});
  const names = generated.map((g) => g.name);
  const data: unknown = src.doc.contents == null ? null : src.doc.toJS({ maxAliasCount: 1000 });
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    at([], 'value', `expected a mapping of ${names.join(', ')} to lists of values (delete the file to generate them again)`);
    return done({});
  }
  for (const d of findDuplicateKeys(src)) {
    diagnostics.push({
      file,
      ...d.span,
      field: fieldName(d.path),
      message: `duplicate key: expected each variable once, got a second list (the first is on line ${d.firstLine})`,
      severity: 'error',
    });
  }
  const values: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(data as Record<string, unknown>)) {
    const variable = generated.find((g) => g.name === name);
    if (!variable) {
      const guess = closest(name, names);
      at(
        [name],
        'key',
        guess ? `not a generated variable: did you mean "${guess}"?` : `not a generated variable: expected one of ${names.join(', ')}`,
      );
      continue;
    }
    const checked = checkList(name, list, variable, at);
    if (checked) values[name] = checked;
  }
  return done(hasErrors(diagnostics) ? {} : values);
}

function checkList(
  name: string,
  list: unknown,
  variable: GeneratedVariable,
  at: (p: readonly PathSegment[], where: 'key' | 'value', message: string) => void,
): string[] | undefined {
  if (!Array.isArray(list)) {
    at([name], 'value', `expected a list of values, one per line starting with "- "`);
    return undefined;
  }
  let ok = true;
  const seen = new Map<string, number>();
  const out: string[] = [];
  list.forEach((item: unknown, i) => {
    if (item === null || typeof item === 'object') {
      at([name, i], 'value', `expected a value as text, got ${item === null ? 'nothing' : Array.isArray(item) ? 'a list' : 'a mapping'}`);
      ok = false;
      return;
    }
    const text = String(item);
    const key = normaliseValue(text);
    if (key === '') {
      at([name, i], 'value', 'empty value: expected text (delete the line instead)');
      ok = false;
      return;
    }
    const first = seen.get(key);
    if (first !== undefined) {
      at([name, i], 'value', `duplicate of ${name}[${first}] once case and spaces are ignored: expected distinct values`);
      ok = false;
      return;
    }
    seen.set(key, i);
    out.push(text);
  });
  if (ok && out.length < variable.count) {
    at(
      [name],
      'key',
      `expected at least ${variable.count} values (generate: ${variable.count}), got ${out.length}: add values, lower generate, or delete ${name} from this file to generate them again`,
    );
    return undefined;
  }
  return ok ? out : undefined;
}

/** The file as written: a comment saying what it is, then one list per variable. */
export function formatValuesFile(promptFile: string, values: Readonly<Record<string, readonly string[]>>): string {
  const header = [
    `# Values generated by Conversation Forge for ${path.basename(promptFile)}.`,
    '# Every run reuses them, so conversation ids stay stable. Edit freely (keep them distinct);',
    '# delete a variable (or this file) to have it generated again. Editing a value changes the ids.',
  ];
  return `${header.join('\n')}\n${stringify(values, { lineWidth: 0 })}`;
}
