/**
 * Prompt templates: `{{name}}` (spaces inside the braces allowed) is replaced by the value of the
 * variable `name`. `{{{{` stands for a literal `{{`; nothing else needs escaping (a lone `}}` is text).
 */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'variable'; name: string; raw: string; offset: number };

export interface TemplateProblem {
  /** Offset of the problem in the template string. */
  offset: number;
  raw: string;
  message: string;
}

export interface ParsedTemplate {
  parts: TemplatePart[];
  problems: TemplateProblem[];
}

const PLACEHOLDER = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/;

export function parseTemplate(template: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      text += template.slice(i);
      break;
    }
    text += template.slice(i, open);
    if (template.startsWith('{{{{', open)) {
      text += '{{';
      i = open + 4;
      continue;
    }
    const rest = template.slice(open);
    const match = PLACEHOLDER.exec(rest);
    if (match) {
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'variable', name: match[1]!, raw: match[0], offset: open });
      i = open + match[0].length;
      continue;
    }
    const close = rest.indexOf('}}');
    const raw = close >= 0 && close < 40 ? rest.slice(0, close + 2) : rest.slice(0, 20).split('\n')[0]!;
    problems.push({
      offset: open,
      raw,
      message: `expected a placeholder {{name}} with a name of letters, digits and '_' (write {{{{ for a literal {{), got ${JSON.stringify(raw)}`,
    });
    // Keep the malformed text as is so rendering (if ever forced) loses nothing.
    text += '{{';
    i = open + 2;
  }
  if (text) parts.push({ kind: 'text', text });
  return { parts, problems };
}

/** Names used by the template, in order of first use. */
export function placeholderNames(template: string): string[] {
  const names = parseTemplate(template).parts.flatMap((p) => (p.kind === 'variable' ? [p.name] : []));
  return [...new Set(names)];
}

/** Fills placeholders; a name without a value is left as written (validation reports it earlier). */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return parseTemplate(template)
    .parts.map((p) => (p.kind === 'text' ? p.text : Object.hasOwn(values, p.name) ? values[p.name]! : p.raw))
    .join('');
}
