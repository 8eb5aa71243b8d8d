import { LIMIT_FIELD, type ClassState } from './class-state';
import type { RateLimitHeaders } from './headers';
import { DIMENSIONS, type Limits } from './types';

/**
 * Learning a model class's limits from the server before leaping.
 *
 * When nobody told Forge the account's limits, the configured ones are a guess (the Start preset),
 * and a guess too high sends a burst the server refuses: at 600 RPM against an assumed 1,000, the
 * first second alone drew a 429 and the run limped after it. The server's short interval cannot be
 * assumed larger than one request, so until the first headers of the class arrive (at the start of
 * a streamed response: see `RateLimiter.observe`) only PROBE_REQUESTS go out. The headers then give
 * the real limits, upward as well as downward, and the limiter runs at those at once. When the
 * limits were told (a tier or explicit numbers), they are trusted and there is no probe.
 */
export const PROBE_REQUESTS = 1;

/**
 * How long a refusal while probing says to wait. The processor wakes dispatch when the headers
 * arrive, so this is only the fallback for a response that never brings any.
 */
export const PROBE_RECHECK_MS = 250;

/** True while a guessed class has not heard from the server and its probe is out. */
export function probeFull(state: ClassState): boolean {
  return state.assumed === true && state.heardAt === undefined && state.inFlight.requests >= PROBE_REQUESTS;
}

/** The server answered for this class (with headers, or an answer without any: nothing to learn). */
export function markHeard(state: ClassState, now: number): void {
  if (state.heardAt === undefined) state.heardAt = now;
}

/** True when the headers carry at least one limit or remaining count (a proxy may strip them). */
export function informative(info: RateLimitHeaders | undefined): info is RateLimitHeaders {
  if (!info) return false;
  return DIMENSIONS.some((d) => info[d]?.limit !== undefined || info[d]?.remaining !== undefined);
}

/**
 * A 429 is explained when the headers that came with it show its cause, so correcting the model
 * from them is enough and the rate need not shrink on top: a limit lower than the one assumed
 * (`before`), or a bucket the server reports exhausted (`blamed`, from corrections.offending). An
 * unexplained 429 (headers showing room, or no headers) means something unseen tripped it.
 */
export function explains(info: RateLimitHeaders | undefined, before: Limits, exhausted: boolean): boolean {
  if (!informative(info)) return false;
  if (exhausted) return true;
  return DIMENSIONS.some((d) => {
    const limit = info[d]?.limit;
    return limit !== undefined && limit < before[LIMIT_FIELD[d]];
  });
}
