import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';

/** A 1-based span in the source text. */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type PathSegment = string | number;

export interface SyntaxProblem {
  span: Span;
  offset: number;
  message: string;
  severity: 'error' | 'warning';
}

/** The parsed YAML with everything needed to point back into the source. */
export interface YamlSource {
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** Syntax errors and warnings reported by the YAML parser, duplicate keys excluded. */
  readonly problems: SyntaxProblem[];
}

/**
 * Parses without the parser's own duplicate-key check: `findDuplicateKeys` reports them with the
 * field path and the line of the first definition, which the parser's message lacks.
 */
export function parseYaml(text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const span = (pos: [number, number]): Span => spanOf(lines, pos[0], Math.max(pos[1], pos[0]));
  const problems: SyntaxProblem[] = [
    ...doc.errors.map((e) => ({
      span: span(e.pos),
      offset: e.pos[0],
      message: syntaxMessage(e.code, e.message),
      severity: 'error' as const,
    })),
    ...doc.warnings.map((w) => ({
      span: span(w.pos),
      offset: w.pos[0],
      message: syntaxMessage(w.code, w.message),
      severity: 'warning' as const,
    })),
  ];
  return { text, doc, lines, problems };
}

// The parser's wording is precise but written for YAML implementers; these say what to do.
const SYNTAX_HINTS: Partial<Record<string, string>> = {
  TAB_AS_INDENT: 'tabs cannot indent YAML: expected spaces',
  MULTIPLE_DOCS: 'expected one YAML document, got several (remove the extra `---`)',
  MULTILINE_IMPLICIT_KEY: 'expected `key: value` on one line (is a colon or quote missing above?)',
  BLOCK_AS_IMPLICIT_KEY: 'expected `key: value`: quote a value that contains ": ", and start a nested mapping on its own line',
};

function syntaxMessage(code: string, raw: string): string {
  const firstLine = raw
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
  const hint = SYNTAX_HINTS[code];
  return `YAML syntax error: ${hint ?? firstLine.charAt(0).toLowerCase() + firstLine.slice(1)}`;
}

export function spanOf(lines: LineCounter, start: number, end: number): Span {
  const a = lines.linePos(start);
  const b = lines.linePos(end);
  return { line: Math.max(a.line, 1), column: a.col, endLine: Math.max(b.line, 1), endColumn: b.col };
}

export function nodeSpan(src: YamlSource, node: Node | null | undefined): Span | undefined {
  const range = node?.range;
  return range ? spanOf(src.lines, range[0], range[1]) : undefined;
}

/** Scalar key text, or undefined for complex keys (which no prompt-file field uses). */
export function keyName(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return typeof k === 'string' || typeof k === 'number' ? String(k) : undefined;
}

/** The node at `path`: the value node, the pair's key node, and the pair itself when there is one. */
export interface Located {
  value: Node | null;
  key: Node | null;
  pair?: Pair;
}

export function locate(src: YamlSource, path: readonly PathSegment[]): Located | undefined {
  let node: unknown = src.doc.contents;
  let found: Located = { value: (node as Node | null) ?? null, key: null };
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(src.doc);
    if (isMap(node)) {
      // The last definition wins, as it does when the document is converted to data.
      const pair = [...node.items].reverse().find((p) => keyName(p) === String(seg));
      if (!pair) return undefined;
      node = pair.value;
      found = { value: (pair.value as Node | null) ?? null, key: (pair.key as Node | null) ?? null, pair };
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      found = { value: (node as Node | null) ?? null, key: null };
    } else {
      return undefined;
    }
  }
  return found;
}

/** Best span for a problem about the value at `path`; falls back to the nearest ancestor that exists. */
export function valueSpan(src: YamlSource, path: readonly PathSegment[]): Span {
  for (let n = path.length; n >= 0; n--) {
    const at = locate(src, path.slice(0, n));
    const span = at && (nodeSpan(src, at.value) ?? nodeSpan(src, at.key));
    if (span) return span;
  }
  return { line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/** Span of the key of `path` (unknown fields point at their name, not their value). */
export function keySpan(src: YamlSource, path: readonly PathSegment[]): Span {
  const at = locate(src, path);
  return nodeSpan(src, at?.key) ?? valueSpan(src, path);
}

export interface KeyVisit {
  path: PathSegment[];
  pair: Pair;
  key: string;
  /** The mapping that holds the pair. */
  parent: unknown;
}

/** Visits every key of every mapping, depth first, with its path. */
export function walkKeys(src: YamlSource, visit: (v: KeyVisit) => void): void {
  const seen = new Set<unknown>();
  const walk = (node: unknown, path: PathSegment[]): void => {
    if (!node || seen.has(node)) return;
    seen.add(node);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = keyName(pair);
        if (key === undefined) continue;
        visit({ path: [...path, key], pair, key, parent: node });
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(src.doc.contents, []);
}

export interface DuplicateKey {
  path: PathSegment[];
  span: Span;
  firstLine: number;
}

export function findDuplicateKeys(src: YamlSource): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const firstByMap = new Map<unknown, Map<string, number>>();
  walkKeys(src, ({ path, pair, key, parent }) => {
    let seen = firstByMap.get(parent);
    if (!seen) firstByMap.set(parent, (seen = new Map()));
    const span = nodeSpan(src, pair.key as Node) ?? valueSpan(src, path);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, span.line);
    else out.push({ path, span, firstLine: first });
  });
  return out;
}
