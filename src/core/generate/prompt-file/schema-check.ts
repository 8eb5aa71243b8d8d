import type { ErrorObject } from 'ajv';
import schema from '../../../../schemas/prompt-file.schema.json';
import { closest } from './closest';
import { describeValue, fieldName } from './diagnostic';
import type { Finding } from './finding';
import type { PathSegment } from './yaml-source';
// The schema compiled ahead by `npm run generate:schema` (a test checks it is the schema's).
import validate from './prompt-file-validator.generated';

interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  minLength?: number;
  minItems?: number;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  /**
   * Our own annotation: the phrase used after "expected" when the schema alone (a regex, a branch)
   * would make a poor sentence. Editors ignore it.
   */
  'x-expected'?: string;
}

/**
 * Keys that the API version the SDK speaks refuses; `sampling-check.ts` gives them their own
 * message, so the generic "unknown field" is suppressed for them.
 */
export const REJECTED_PARAMETERS = ['temperature', 'top_p', 'top_k', 'tool_choice'] as const;

export const PROMPT_FILE_SCHEMA: unknown = schema;

/** Runs the JSON Schema on the file's data and rewrites every violation in our own words. */
export function checkSchema(data: unknown): Finding[] {
  if (validate(data)) return [];
  const problems: Finding[] = [];
  const seen = new Set<string>();
  for (const err of validate.errors ?? []) {
    const problem = translate(err);
    if (!problem) continue;
    const key = `${fieldName(problem.path)}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function translate(err: ErrorObject): Finding | undefined {
  const finding = translateOne(err);
  return finding && { ...finding, severity: 'error' };
}

function translateOne(err: ErrorObject): Omit<Finding, 'severity'> | undefined {
  const path = pointerToPath(err.instancePath);
  const parent = (err.parentSchema ?? {}) as SchemaNode;
  // A propertyNames failure is reported twice: once by the inner keyword (carrying propertyName),
  // once by propertyNames itself. Keep the outer one.
  if (err.propertyName !== undefined) return undefined;
  switch (err.keyword) {
    case 'if':
      return undefined; // the failing then/else branch says what was wrong
    case 'additionalProperties': {
      const name = String((err.params as { additionalProperty: string }).additionalProperty);
      if ((REJECTED_PARAMETERS as readonly string[]).includes(name)) return undefined;
      const allowed = Object.keys(parent.properties ?? {});
      const guess = closest(name, allowed);
      const message = guess
        ? `unknown field: did you mean "${guess}"? got "${name}"`
        : `unknown field: expected one of ${allowed.join(', ')}, got "${name}"`;
      return { path: [...path, name], at: 'key', message };
    }
    case 'required': {
      const missing = String((err.params as { missingProperty: string }).missingProperty);
      const wanted = parent.properties?.[missing];
      const what = wanted ? `: expected ${expectation(wanted)}` : '';
      return { path: [...path, missing], at: 'parent', message: `missing required field${what}` };
    }
    case 'propertyNames': {
      const name = String((err.params as { propertyName: string }).propertyName);
      const inner = (err.schema ?? {}) as SchemaNode;
      return { path: [...path, name], at: 'key', message: `expected ${expectation(inner)}, got "${name}"` };
    }
    default:
      return { path, at: 'value', message: `expected ${expectation(parent)}, got ${describeValue(err.data)}` };
  }
}

/** The phrase after "expected", derived from the schema so the two never drift apart. */
export function expectation(s: SchemaNode): string {
  if (s['x-expected']) return s['x-expected'];
  if (s.enum) return `one of ${s.enum.map(String).join(', ')}`;
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1) return 'a single value (text, a number or true/false)';
  switch (types[0]) {
    case 'integer':
    case 'number': {
      const noun = `${s.multipleOf === 2 ? 'an even ' : types[0] === 'integer' ? 'an ' : 'a '}${types[0]}`;
      if (s.minimum !== undefined && s.maximum !== undefined) return `${noun} from ${s.minimum} to ${s.maximum}`;
      if (s.minimum !== undefined) return `${noun} from ${s.minimum} up`;
      return noun;
    }
    case 'string':
      return s.minLength ? 'a non-empty string' : 'a string';
    case 'array':
      return s.minItems ? 'a non-empty list of values' : 'a list of values';
    case 'object':
      return s.required?.length ? `a mapping with ${s.required.join(' and ')}` : 'a mapping';
    default:
      return 'a value';
  }
}
