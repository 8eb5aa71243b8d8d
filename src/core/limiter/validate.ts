/**
 * Option checks shared by the limiter and the model tables, so every bad option reads the same:
 * "Expected `requestsPerMinute` to be a number from 1 up, got `0` (number)".
 */
export function shown(value: unknown): string {
  return `\`${typeof value === 'string' ? value : String(value)}\` (${typeof value})`;
}

export interface NumberRule {
  /** Smallest allowed value (inclusive unless `above` is set). */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  max?: number;
  integer?: boolean;
}

function wording(rule: NumberRule): string {
  const noun = rule.integer ? 'an integer' : 'a number';
  const lower =
    rule.above !== undefined ? `above ${rule.above}` : rule.min !== undefined ? `from ${rule.min}` : undefined;
  if (lower && rule.max !== undefined) return `${noun} ${lower} up to ${rule.max}`;
  if (lower) return `${noun} ${lower}${rule.above !== undefined ? '' : ' up'}`;
  if (rule.max !== undefined) return `${noun} up to ${rule.max}`;
  return `a finite ${rule.integer ? 'integer' : 'number'}`;
}

/** Throws a uniform message unless `value` is a finite number inside the rule's range. */
export function expectNumber(name: string, value: unknown, rule: NumberRule = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw new Error(`Expected \`${name}\` to be ${wording(rule)}, got ${shown(value)}`);
  return value as number;
}

export function expectOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const list = allowed.map((a) => `\`${a}\``).join(', ');
  throw new Error(`Expected \`${name}\` to be one of ${list}, got ${shown(value)}`);
}

export function expectNonEmptyString(name: string, value: unknown): string {
  if (typeof value === 'string' && value.length > 0) return value;
  throw new Error(`Expected \`${name}\` to be a non-empty string, got ${shown(value)}`);
}
