import { FILE_FIELD, type Diagnostic } from './diagnostic';
import { closest } from './closest';
import type { ModelLookup } from './field-checks';
import type { Finding } from './finding';
import type { GeneratedVariable } from '../types';
import { parseValuesFile } from '../values/values-file';
import { defaultValuesMaxTokens } from '../values/values-request';

/** Reads the values file of a prompt file, if there is one (the front end decides which: real or simulated). */
export type ValuesReader = (promptFile: string) => { path: string; text: string } | { path: string; error: string } | undefined;

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The `{generate, prompt}` variables of a schema-valid file, in file order, with defaults applied. */
export function generatedVariablesOf(record: Record<string, unknown>): GeneratedVariable[] {
  const variables = record['variables'];
  if (!isRecord(variables)) return [];
  const out: GeneratedVariable[] = [];
  for (const [name, spec] of Object.entries(variables)) {
    if (!isRecord(spec)) continue;
    const count = spec['generate'] as number;
    out.push({
      name,
      count,
      prompt: spec['prompt'] as string,
      model: typeof spec['model'] === 'string' ? spec['model'] : (record['model'] as string),
      maxTokens: typeof spec['max_tokens'] === 'number' ? spec['max_tokens'] : defaultValuesMaxTokens(count),
    });
  }
  return out;
}

/** A generated variable's own model must be known, as the file's is. */
export function checkGeneratedModels(record: Record<string, unknown>, models: ModelLookup): Finding[] {
  const variables = record['variables'];
  if (!isRecord(variables)) return [];
  const found: Finding[] = [];
  for (const [name, spec] of Object.entries(variables)) {
    if (!isRecord(spec) || typeof spec['model'] !== 'string' || models.knownModel(spec['model'])) continue;
    const guess = models.modelIds && closest(spec['model'], models.modelIds);
    found.push({
      path: ['variables', name, 'model'],
      at: 'value',
      message: `unknown model "${spec['model']}"${guess ? `: did you mean "${guess}"?` : ''}`,
      severity: 'error',
    });
  }
  return found;
}

export interface ResolvedValues {
  /** Values for every generated variable: real ones, or placeholders for those pending. */
  values: Record<string, string[]>;
  pending: string[];
  valuesFile?: string;
  diagnostics: Diagnostic[];
}

/**
 * Values of the generated variables from the values file. A variable the file lacks is pending and
 * gets placeholders, so an estimate can still expand the file; a run refuses it (run-datasets.ts).
 */
export function resolveGeneratedValues(promptFile: string, generated: readonly GeneratedVariable[], read?: ValuesReader): ResolvedValues {
  const source = read?.(promptFile);
  const parsed: { values: Record<string, string[]>; diagnostics: Diagnostic[] } = !source
    ? { values: {}, diagnostics: [] }
    : 'error' in source
      ? { values: {}, diagnostics: [unreadable(source.path, source.error)] }
      : parseValuesFile(source.text, source.path, generated);
  const values: Record<string, string[]> = {};
  const pending: string[] = [];
  for (const g of generated) {
    const found = parsed.values[g.name];
    if (found) values[g.name] = found;
    else {
      pending.push(g.name);
      values[g.name] = Array.from({ length: g.count }, (_, i) => `(${g.name} ${i + 1} of ${g.count}, not generated yet)`);
    }
  }
  return { values, pending, ...(source ? { valuesFile: source.path } : {}), diagnostics: parsed.diagnostics };
}

function unreadable(file: string, why: string): Diagnostic {
  return { file, line: 1, column: 1, field: FILE_FIELD, message: `cannot read the values file: ${why}`, severity: 'error' };
}
