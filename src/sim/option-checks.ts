import { expectNumber, invalidOption } from '../core/validate';

/** The checks every simulator option module uses, so a bad field reads the same wherever it sits. */
/** The engine's uniform option message (core/validate.ts), so the simulator reads the same. */
export const invalid = invalidOption;

export function num(name: string, value: unknown, min: number, opts: { integer?: boolean; max?: number } = {}): number {
  return expectNumber(name, value, { min, ...opts });
}

export function obj(name: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(name, 'an object', value);
  return value as Record<string, unknown>;
}

export function onlyKeys(name: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalid(`${name}.${key}`, `one of the keys ${allowed.join(', ')}`, key);
  }
}
