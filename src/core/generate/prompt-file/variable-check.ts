import { closest } from './closest';
import type { Finding } from './finding';
import { parseTemplate } from './template';
import { locate, spanOf, type Span, type YamlSource } from './yaml-source';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TEMPLATE_FIELDS = ['system', 'prompt'] as const;

/**
 * Placeholders against variables: a placeholder without a variable is an error (it would reach the
 * model as literal braces), a variable no template uses is a warning (likely a typo or leftover).
 */
export function checkVariables(src: YamlSource, data: Record<string, unknown>): Finding[] {
  const found: Finding[] = [];
  // A `variables` that is not a mapping is the schema's error; every placeholder would cascade.
  if (data['variables'] !== undefined && !isRecord(data['variables'])) return [];
  const variables = isRecord(data['variables']) ? data['variables'] : {};
  const defined = Object.keys(variables);
  const used = new Set<string>();

  for (const field of TEMPLATE_FIELDS) {
    const template = data[field];
    if (typeof template !== 'string') continue;
    const { parts, problems } = parseTemplate(template);
    for (const p of problems) {
      found.push({
        path: [field],
        at: 'span',
        span: placeholderSpan(src, field, template, p.offset, p.raw),
        message: p.message,
        severity: 'error',
      });
    }
    for (const part of parts) {
      if (part.kind !== 'variable') continue;
      used.add(part.name);
      if (Object.hasOwn(variables, part.name)) continue;
      const guess = closest(part.name, defined);
      const expected = guess
        ? `did you mean {{${guess}}}?`
        : defined.length > 0
          ? `expected one of the variables ${defined.join(', ')}, or add ${part.name} under variables`
          : `add ${part.name} under variables`;
      found.push({
        path: [field],
        at: 'span',
        span: placeholderSpan(src, field, template, part.offset, part.raw),
        message: `placeholder {{${part.name}}} has no variable: ${expected}`,
        severity: 'error',
      });
    }
  }

  for (const name of defined) {
    if (used.has(name) || !VARIABLE_NAME.test(name)) continue; // a bad name has its own error
    found.push({
      path: ['variables', name],
      at: 'key',
      message: `variable defined but never used: expected {{${name}}} in prompt or system`,
      severity: 'warning',
    });
  }
  found.push(...checkCoverage(data, variables));
  return found;
}

// With fewer conversations than combinations the first variables never change (they vary slowest).
function checkCoverage(data: Record<string, unknown>, variables: Record<string, unknown>): Finding[] {
  const count = data['count'];
  if (!Number.isInteger(count) || (count as number) < 1) return [];
  let combinations = 1;
  for (const values of Object.values(variables)) {
    const n = sizeOf(values);
    if (n === 0) return [];
    combinations *= n;
    if (combinations > (count as number)) {
      return [
        {
          path: ['count'],
          at: 'value',
          message: `covers only the first ${count} of ${total(variables)} combinations of variables: expected a count of at least ${total(variables)} to use every value`,
          severity: 'warning',
        },
      ];
    }
  }
  return [];
}

function total(variables: Record<string, unknown>): string {
  const n = Object.values(variables).reduce<number>((acc, v) => acc * (sizeOf(v) || 1), 1);
  return n > Number.MAX_SAFE_INTEGER ? 'more than 2^53' : String(n);
}

/** Values of a list, or the `generate` count of a generated variable; 0 when neither (the schema reports it). */
function sizeOf(values: unknown): number {
  if (Array.isArray(values)) return values.length;
  const n = isRecord(values) ? values['generate'] : undefined;
  return Number.isInteger(n) && (n as number) > 0 ? (n as number) : 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Where `{{name}}` sits in the source. Block and plain scalars hold template text verbatim apart
 * from indentation, so the n-th occurrence of the raw text inside the node's range is the one meant.
 */
function placeholderSpan(src: YamlSource, field: string, template: string, offset: number, raw: string): Span {
  const node = locate(src, [field])?.value;
  const range = node?.range;
  if (range) {
    const occurrence = countOccurrences(template.slice(0, offset), raw);
    const sourceText = src.text.slice(range[0], range[1]);
    let at = -1;
    for (let k = 0; k <= occurrence; k++) {
      at = sourceText.indexOf(raw, at + 1);
      if (at < 0) break;
    }
    if (at >= 0) return spanOf(src.lines, range[0] + at, range[0] + at + raw.length);
    return spanOf(src.lines, range[0], range[1]);
  }
  return { line: 1, column: 1, endLine: 1, endColumn: 1 };
}

function countOccurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
  return n;
}
