import { expectInteger } from '../validate';
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
  expectInteger('offset', offset, 0);
  if (limit !== Number.POSITIVE_INFINITY) expectInteger('limit', limit, 0);
  const out: J[] = [];
  let skipped = 0;
  for (const job of source) {
    if (out.length >= limit) break;
    if (skipped < offset) skipped++;
    else out.push(job);
  }
  return out;
}
