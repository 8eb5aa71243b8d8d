import { PRIORITIES, type Priority } from './types';

/** Uniform option validation messages, in the p-queue style. */
export function expectInteger(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`Expected \`${name}\` to be an integer from ${min} up, got \`${String(value)}\` (${typeof value})`);
  }
}

export function expectNumber(name: string, value: unknown, min: number, max = Number.POSITIVE_INFINITY): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    const range = max === Number.POSITIVE_INFINITY ? `from ${min} up` : `from ${min} to ${max}`;
    throw new TypeError(`Expected \`${name}\` to be a number ${range}, got \`${String(value)}\` (${typeof value})`);
  }
}

export function expectPriority(value: unknown): asserts value is Priority {
  if (!PRIORITIES.includes(value as Priority)) {
    throw new TypeError(`Expected \`priority\` to be one of high, normal, low, got \`${String(value)}\` (${typeof value})`);
  }
}
