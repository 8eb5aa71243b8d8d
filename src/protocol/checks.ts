// Small structural checks for validating messages at the host/webview edge, where
// the payload is `unknown` and must never be trusted.

export type Rec = Record<string, unknown>;

export function isRecord(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export function isCount(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

export function isNonNegative(x: unknown): x is number {
  return isFiniteNumber(x) && x >= 0;
}

export function isFraction(x: unknown): x is number {
  return isFiniteNumber(x) && x >= 0 && x <= 1;
}

/** Ids and names are bounded so a hostile or buggy sender cannot ship megabytes in one field. */
export function isText(x: unknown, max = 1000): x is string {
  return typeof x === 'string' && x.length <= max;
}

export function isId(x: unknown): x is string {
  return isText(x, 200) && x.length > 0;
}

export function isOneOf<T extends string>(values: readonly T[], x: unknown): x is T {
  return typeof x === 'string' && (values as readonly string[]).includes(x);
}

export function isNullOr<T>(check: (y: unknown) => y is T, x: unknown): x is T | null {
  return x === null || check(x);
}

export function isOptional<T>(check: (y: unknown) => y is T, x: unknown): x is T | undefined {
  return x === undefined || check(x);
}

export function isArrayOf<T>(check: (y: unknown) => y is T, x: unknown, max: number): x is T[] {
  return Array.isArray(x) && x.length <= max && x.every((y) => check(y));
}

/** Rejects keys the type does not have, so typos in a sender fail loudly instead of being ignored. */
export function hasOnlyKeys(r: Rec, allowed: readonly string[]): boolean {
  return Object.keys(r).every((k) => allowed.includes(k));
}
