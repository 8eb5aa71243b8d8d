/** Levenshtein distance, case-insensitive, with `_`/`-` treated alike (maxTokens ~ max_tokens). */
export function editDistance(a: string, b: string): number {
  const x = normalise(a);
  const y = normalise(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[y.length]!;
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/-/g, '_');
}

/**
 * The candidate nearest to `word`, when it is near enough to be a plausible typo
 * (at most a third of the word's length, and never more than 3 edits).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= limit ? best : undefined;
}

/**
 * The `n` candidates most like `word`, for an id too far from any for `closest` (e.g. an old dated
 * model id): those sharing more of its words (split on `-`, `_`, `.`) come first, then by edits.
 */
export function nearest(word: string, candidates: Iterable<string>, n = 3): string[] {
  const words = (s: string) =>
    new Set(
      normalise(s)
        .split(/[_.]+/)
        .filter((w) => w !== '' && !/^\d+$/.test(w)),
    );
  const mine = words(word);
  const shared = (c: string) => [...words(c)].filter((w) => mine.has(w)).length;
  return [...candidates]
    .map((c) => ({ c, shared: shared(c), distance: editDistance(word, c) }))
    .sort((a, b) => b.shared - a.shared || a.distance - b.distance || a.c.localeCompare(b.c))
    .slice(0, n)
    .map((x) => x.c);
}
