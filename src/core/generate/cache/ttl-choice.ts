import type { CacheTtl } from '../../api/types';
import { cachePrice, type ModelInfo } from '../../models';

export const TTL_MS: Readonly<Record<CacheTtl, number>> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/**
 * A predicted read this close to an entry's expiry counts as too late: the prediction is a
 * forecast, and an entry that expires a few seconds before its read costs a whole write again.
 */
export const TTL_MARGIN = 0.8;

export interface TtlChoiceInput {
  readonly now: number;
  /** When the entry the request writes (or refreshes) is next expected to be read; undefined: never. */
  readonly nextReadAt: number | undefined;
  /** Cache prices (write by TTL, read) come from the model table. */
  readonly model: ModelInfo;
  readonly ttlMs?: Readonly<Record<CacheTtl, number>>;
  readonly margin?: number;
}

export type TtlReason = 'not-read-again' | 'read-within-5m' | 'read-within-1h' | 'outlives-1h';

export interface TtlChoice {
  readonly ttl: CacheTtl;
  readonly reason: TtlReason;
  /** Predicted time from now to the next read, when one is expected. */
  readonly gapMs?: number;
}

/**
 * The lifetime to write with, decided by price: a 1-hour write costs 2× input against 1.25× for
 * five minutes, so it pays only when the five minutes would run out before the next read (which
 * then pays a second write instead of a read) and the hour would not. A read expected within five
 * minutes (less the margin), one expected after the hour, or none at all: five minutes.
 */
export function chooseTtl(input: TtlChoiceInput): TtlChoice {
  const ttlMs = input.ttlMs ?? TTL_MS;
  const margin = input.margin ?? TTL_MARGIN;
  if (input.nextReadAt === undefined) return { ttl: '5m', reason: 'not-read-again' };
  const gapMs = Math.max(0, input.nextReadAt - input.now);
  const lives = (ttl: CacheTtl) => gapMs <= ttlMs[ttl] * margin;
  const write5m = cachePrice(input.model, 'write5m');
  const write1h = cachePrice(input.model, 'write1h');
  const read = cachePrice(input.model, 'read');
  // Per token of the entry: its write now, plus what its next use costs (a read while it lives, else a new write).
  const cost = (ttl: CacheTtl, write: number) => write + (lives(ttl) ? read : write5m);
  if (cost('1h', write1h) < cost('5m', write5m)) return { ttl: '1h', reason: 'read-within-1h', gapMs };
  return { ttl: '5m', reason: lives('5m') ? 'read-within-5m' : 'outlives-1h', gapMs };
}
