import type { ModelRequest } from '../../api/types';
import type { GeneratedVariable } from '../types';
import { normaliseValue } from './values-file';

/** Output tokens allowed per value asked for, when the file sets no max_tokens. */
const TOKENS_PER_VALUE = 60;

export function defaultValuesMaxTokens(count: number): number {
  return Math.min(32_000, Math.max(1024, count * TOKENS_PER_VALUE));
}

/**
 * The request for `wanted` more values. The wording is a contract with the simulator (src/sim/synth.ts):
 * "exactly N distinct values" and "one per line" get a numbered list; existing values follow as "- " lines.
 */
export function valuesRequest(variable: GeneratedVariable, have: readonly string[], wanted: number): ModelRequest {
  const parts = [
    variable.prompt.trim(),
    `Write exactly ${wanted} distinct values for "${variable.name}", one per line, each line starting with its number ("1. "), ` +
      'with nothing before or after the list. Each value is a single line of plain text and differs from every other one in substance, not only in wording.',
  ];
  if (have.length > 0) {
    parts.push(`These values exist already; do not repeat or rephrase any of them:\n${have.map((v) => `- ${v}`).join('\n')}`);
  }
  return { model: variable.model, messages: [{ role: 'user', content: parts.join('\n\n') }], maxTokens: variable.maxTokens };
}

const BULLET = /^(?:\d+[.)]|[-*•])\s+/;

/**
 * The values in an answer: numbered or bulleted lines when most lines are (a sentence of preamble is
 * then left out), else every non-empty line. Markdown bold and wrapping quotes are taken off.
 */
export function parseValuesAnswer(text: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const listed = lines.filter((l) => BULLET.test(l));
  const chosen = listed.length * 2 >= lines.length ? listed : lines;
  return chosen
    .map((l) =>
      l
        .replace(BULLET, '')
        .replace(/\*\*/g, '')
        .replace(/^["'“](.*)["'”]$/, '$1')
        .trim(),
    )
    .filter((l) => l !== '');
}

/** `have` plus the new values that are neither empty nor a repeat (after normalising), up to `limit`. */
export function mergeValues(have: readonly string[], found: readonly string[], limit: number): string[] {
  const seen = new Set(have.map(normaliseValue));
  const out = [...have];
  for (const value of found) {
    if (out.length >= limit) break;
    const key = normaliseValue(value);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(value);
  }
  return out;
}
