import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { CacheMode, GenerationMode, OutputFormat, PromptFile, Strategy, TurnRange } from '../types';
import type { Priority } from '../../queue/types';
import { FILE_FIELD, fieldName, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostic';
import { checkModel, checkRejectedParameters, checkTurnRange, type ModelLookup } from './field-checks';
import type { Finding } from './finding';
import { resolveOutputPath } from './output-path';
import { checkSchema } from './schema-check';
import { promptHashOf } from './prompt-hash';
import { checkVariables } from './variable-check';
import { checkGeneratedModels, generatedVariablesOf, resolveGeneratedValues, type ValuesReader } from './generated-variables';
import { findDuplicateKeys, keySpan, parseYaml, valueSpan, type Span, type YamlSource } from './yaml-source';

export interface ParseOptions extends ModelLookup {
  /** Absolute path of the prompt file (messages name it; relative paths inside resolve from it). */
  file: string;
  /** Outputs must stay inside this directory. */
  workspaceRoot: string;
  /** Reads the file's generated values (absent: every generated variable is pending). */
  readValues?: ValuesReader;
}

/** On success `diagnostics` holds warnings only. */
export type ParseResult = { ok: true; file: PromptFile; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

export const PROMPT_FILE_SUFFIX = '.forge.yaml';
export const DEFAULT_TURNS = 6;
export const DEFAULT_MAX_TOKENS: Readonly<Record<Strategy, number>> = { single: 4096, turns: 1024 };

/** Where cross-file checks point: spans of `name` and `output.path`, when the file sets them. */
export interface ParsedSpans {
  name?: Span;
  outputPath?: Span;
}

/** Parses, validates and applies defaults. Never throws for anything a file can contain. */
export function parsePromptFile(text: string, options: ParseOptions): ParseResult {
  return analysePromptFile(text, options).result;
}

export function analysePromptFile(text: string, options: ParseOptions): { result: ParseResult; spans: ParsedSpans } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const at = (span: Span, field: string, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic => ({
    file: options.file,
    ...span,
    field,
    message,
    severity,
  });
  const fail = (diagnostics: Diagnostic[]) => ({ result: { ok: false as const, diagnostics: sortDiagnostics(diagnostics) }, spans: {} });
  const start: Span = { line: 1, column: 1, endLine: 1, endColumn: 1 };

  const src = parseYaml(body);
  const syntax = src.problems.map((p) => at(p.span, FILE_FIELD, p.message, p.severity));
  if (hasErrors(syntax)) return fail(syntax);
  const contents = src.doc.contents;
  if (contents === null || contents === undefined) {
    return fail([...syntax, at(start, FILE_FIELD, 'file is empty: expected a mapping with at least model, count and prompt')]);
  }
  let data: unknown;
  try {
    data = src.doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return fail([...syntax, at(start, FILE_FIELD, `cannot read the YAML: ${err instanceof Error ? err.message : String(err)}`)]);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    const got = Array.isArray(data) ? 'a list' : data === null ? 'nothing' : `a single value ${JSON.stringify(data)}`;
    return fail([...syntax, at(valueSpan(src, []), FILE_FIELD, `expected a mapping of fields (model, count, prompt, ...), got ${got}`)]);
  }
  const record = data as Record<string, unknown>;

  const duplicates = findDuplicateKeys(src).map((d) =>
    at(d.span, fieldName(d.path), `duplicate key: expected each field once, got a second definition (the first is on line ${d.firstLine})`),
  );
  const findings: Finding[] = [
    ...checkSchema(record),
    ...checkRejectedParameters(src),
    ...checkModel(record, options),
    ...checkTurnRange(record),
    ...checkVariables(src, record),
    ...checkGeneratedModels(record, options),
  ];
  const name = defaultName(record, options.file);
  const output = outputOf(record);
  const written = output.path ?? `${name}.jsonl`;
  // A non-string output.path is the schema's to report.
  const resolved = typeof written === 'string' ? resolveOutputPath(written, options.file, options.workspaceRoot) : undefined;
  // Without output.path the default path is blamed on the nearest thing that exists: output, or the file.
  if (resolved && !resolved.ok) findings.push({ path: ['output', 'path'], at: 'value', message: resolved.message, severity: 'error' });
  if (resolved?.ok && resolved.warning)
    findings.push({ path: ['output', 'path'], at: 'value', message: resolved.warning, severity: 'warning' });

  const diagnostics = [...syntax, ...duplicates, ...findings.map((f) => at(spanFor(src, f), fieldName(f.path), f.message, f.severity))];
  if (hasErrors(diagnostics) || !resolved?.ok) return fail(diagnostics);
  const generated = generatedVariablesOf(record);
  const values = generated.length > 0 ? resolveGeneratedValues(options.file, generated, options.readValues) : undefined;
  if (values) {
    diagnostics.push(...values.diagnostics);
    if (hasErrors(values.diagnostics)) return fail(diagnostics);
  }

  const strategy = (record['strategy'] as Strategy | undefined) ?? 'single';
  const fields: Omit<PromptFile, 'contentHash' | 'promptHash'> = {
    path: options.file,
    name,
    model: record['model'] as string,
    count: record['count'] as number,
    turns: (record['turns'] as number | TurnRange | undefined) ?? DEFAULT_TURNS,
    priority: (record['priority'] as Priority | undefined) ?? 'normal',
    maxTokens: (record['max_tokens'] as number | undefined) ?? DEFAULT_MAX_TOKENS[strategy],
    strategy,
    cache: (record['cache'] as CacheMode | undefined) ?? 'auto',
    mode: (record['mode'] as GenerationMode | undefined) ?? 'online',
    ...(typeof record['system'] === 'string' ? { system: record['system'] } : {}),
    prompt: record['prompt'] as string,
    variables: { ...stringVariables(record['variables']), ...values?.values },
    output: {
      path: resolved.path,
      format: (output.format as OutputFormat | undefined) ?? 'openai',
      ...(typeof output.system_prompt === 'string' ? { systemPrompt: output.system_prompt } : {}),
    },
  };
  const file: PromptFile = {
    ...fields,
    ...(values
      ? {
          generated,
          ...(values.valuesFile ? { valuesFile: values.valuesFile } : {}),
          ...(values.pending.length ? { pendingValues: values.pending } : {}),
        }
      : {}),
    contentHash: createHash('sha256').update(body, 'utf8').digest('hex'),
    promptHash: promptHashOf(fields),
  };
  const spans: ParsedSpans = {
    ...(typeof record['name'] === 'string' ? { name: valueSpan(src, ['name']) } : {}),
    ...(typeof output.path === 'string' ? { outputPath: valueSpan(src, ['output', 'path']) } : {}),
  };
  return { result: { ok: true, file, diagnostics: sortDiagnostics(diagnostics) }, spans };
}

function spanFor(src: YamlSource, f: Finding): Span {
  switch (f.at) {
    case 'span':
      return f.span ?? valueSpan(src, f.path);
    case 'key':
      return keySpan(src, f.path);
    case 'parent':
      return valueSpan(src, f.path.slice(0, -1));
    case 'value':
      return valueSpan(src, f.path);
  }
}

/** The file name without `.forge.yaml` (or any `.yaml`/`.yml`) unless the file names itself. */
function defaultName(record: Record<string, unknown>, file: string): string {
  if (typeof record['name'] === 'string' && record['name'] !== '') return record['name'];
  const base = path.basename(file);
  return base.replace(/\.forge\.ya?ml$/i, '').replace(/\.ya?ml$/i, '') || base;
}

function outputOf(record: Record<string, unknown>): { path?: unknown; format?: unknown; system_prompt?: unknown } {
  const o = record['output'];
  return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : {};
}

// YAML reads `[1, 2]` as numbers; the schema allows them and templates want text. Generated
// variables keep their place in file order here; their values are filled in from the values file.
function stringVariables(v: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!v || typeof v !== 'object') return out;
  for (const [k, values] of Object.entries(v as Record<string, unknown>)) {
    out[k] = Array.isArray(values) ? values.map((x) => String(x)) : [];
  }
  return out;
}
