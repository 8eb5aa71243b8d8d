import type { ClassifiedError, ErrorKind } from '../errors';

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
