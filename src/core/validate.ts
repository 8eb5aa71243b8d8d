/**
 * The one way options are checked, so every bad value reads the same (p-queue's style):
 * "Expected `concurrency` to be an integer from 1 and up, got `0` (number)". Option errors are
 * TypeErrors thrown where the option is given, before anything starts; broken internal
 * promises (a bug, not bad input) use `unexpected`.
 */

/** A value as messages show it: `0` (number), `gold` (string), `null` (null). */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value === 'function' ? 'function' : stringify(value);
  return `\`${text}\` (${value === null ? 'null' : typeof value})`;
}

function stringify(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'symbol' || value === undefined) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The uniform sentence, for callers that report rather than throw (settings fall back, e.g.). */
export function expectedText(name: string, expected: string, value: unknown): string {
  return `Expected \`${name}\` to be ${expected}, got ${shown(value)}`;
}

export function invalidOption(name: string, expected: string, value: unknown): TypeError {
  return new TypeError(expectedText(name, expected, value));
}

/** A broken internal promise: "Expected job id `x` to be unique, but it is already queued". */
export function unexpected(subject: string, expected: string, actual: string): Error {
  return new Error(`Expected ${subject} to be ${expected}, but ${actual}`);
}

export interface NumberRule {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  max?: number;
  integer?: boolean;
}

/** "an integer from 1 and up", "a number above 0 up to 1", "an integer from 0 to 65535". */
export function numberWording(rule: NumberRule): string {
  const noun = rule.integer ? 'an integer' : 'a number';
  if (rule.above !== undefined) return `${noun} above ${rule.above}${rule.max !== undefined ? ` up to ${rule.max}` : ''}`;
  if (rule.min !== undefined) return rule.max !== undefined ? `${noun} from ${rule.min} to ${rule.max}` : `${noun} from ${rule.min} and up`;
  if (rule.max !== undefined) return `${noun} up to ${rule.max}`;
  return `a finite ${rule.integer ? 'integer' : 'number'}`;
}

export function isNumberIn(value: unknown, rule: NumberRule): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.max === undefined || value <= rule.max)
  );
}

/** Throws the uniform message unless `value` is a finite number inside the rule's range. */
export function expectNumber(name: string, value: unknown, rule: NumberRule = {}): number {
  if (!isNumberIn(value, rule)) throw invalidOption(name, numberWording(rule), value);
  return value;
}

export function expectInteger(name: string, value: unknown, min: number, max?: number): number {
  return expectNumber(name, value, { integer: true, min, ...(max !== undefined ? { max } : {}) });
}

/** "one of `start`, `build`, `scale`". */
export function oneOfWording(allowed: readonly string[]): string {
  return `one of ${allowed.map((a) => `\`${a}\``).join(', ')}`;
}

export function expectOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalidOption(name, oneOfWording(allowed), value);
}

export function expectNonEmptyString(name: string, value: unknown): string {
  if (typeof value === 'string' && value.length > 0) return value;
  throw invalidOption(name, 'a non-empty string', value);
}

export function expectFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') throw invalidOption(name, 'a function', value);
}

export function expectObject(name: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) throw invalidOption(name, 'an object', value);
}
