/** Word shingles of a text, hashed to 32 bits, sorted and unique: the set near-duplicates are measured on. */
export const SHINGLE_WORDS = 3;

/** FNV-1a over a string's UTF-16 code units, 32 bits. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Lower-case words of letters and digits; punctuation and spacing do not make two texts differ. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
}

export function shingleSet(text: string, k = SHINGLE_WORDS): Uint32Array {
  return shingleSetOfWords(words(text), k);
}

const SPACE = ' ';

/**
 * shingleSet of words already split. Each shingle's hash is FNV-1a over its words joined by
 * spaces, computed by carrying the hash across the words (FNV-1a runs over the code units in
 * order), so no joined string is made: the same hashes, without a string and an array a shingle.
 */
export function shingleSetOfWords(w: readonly string[], k = SHINGLE_WORDS): Uint32Array {
  const count = w.length < k ? Math.min(1, w.length) : w.length - k + 1;
  const sorted = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const end = Math.min(w.length, i + k);
    let h = fnv1a(w[i]!);
    for (let j = i + 1; j < end; j++) h = fnv1a(w[j]!, fnv1a(SPACE, h));
    sorted[i] = h;
  }
  sorted.sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i]!;
  return sorted.slice(0, n);
}

/** Exact Jaccard similarity of two sorted unique sets. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return both / (a.length + b.length - both);
}
