export interface ListOptions {
  /** Entries to skip, in dequeue order. */
  offset?: number;
  /** Most entries to return. */
  limit?: number;
}

/** Validates `options` and takes its page from `source`, reading no further than the page's end. */
export function page<J>(source: Iterable<J>, options: ListOptions = {}): J[] {
  const offset = options.offset ?? 0;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new TypeError(`Expected \`offset\` to be an integer from 0 up, got \`${offset}\` (${typeof offset})`);
  }
  if (limit !== Number.POSITIVE_INFINITY && (!Number.isInteger(limit) || limit < 0)) {
    throw new TypeError(`Expected \`limit\` to be an integer from 0 up, got \`${limit}\` (${typeof limit})`);
  }
  const out: J[] = [];
  let skipped = 0;
  for (const job of source) {
    if (out.length >= limit) break;
    if (skipped < offset) skipped++;
    else out.push(job);
  }
  return out;
}
