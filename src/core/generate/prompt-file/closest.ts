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
