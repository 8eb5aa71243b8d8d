import { sleep, type Clock } from '../clock';
import { classify, type ClassifiedError, type ErrorKind } from '../errors';

/** Batch calls that a wait can cure (the pacer already holds all calls on a 429). */
export const transient = (c: ClassifiedError) => c.action === 'pause' || c.action === 'backoff';

/**
 * Kinds that mean the API answered "no" to the create itself; after any other failure (5xx, network,
 * timeout, anything unexpected) the batch may exist and `list` is asked before anything is created again.
 */
const REFUSED_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'rate_limited',
  'acceleration_limit',
  'spend_cap',
  'overloaded',
  'auth',
  'permission',
  'billing',
  'invalid_request',
  'too_large',
  'not_found',
]);
export const refusedBeforeCreate = (c: ClassifiedError) => REFUSED_KINDS.has(c.kind);

/** Runs `call`, waiting out transient failures (their retry-after, else `retryDelayMs`); anything else is thrown. */
export async function patiently<T>(clock: Clock, signal: AbortSignal, retryDelayMs: number, call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (e) {
      const c = classify(e, signal);
      if (!transient(c)) throw e;
      await sleep(clock, c.retryAfterMs ?? retryDelayMs, signal);
    }
  }
}
