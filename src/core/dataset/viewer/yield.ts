import { setImmediate } from 'node:timers/promises';

/**
 * Lets the event loop run. A `for await` over a file whose bytes are already in the page cache can
 * go on in microtasks alone for seconds, and then a page request (or Cancel) waits behind the
 * whole pass: background passes call this every so often so a page still shows at once.
 */
export function yieldToEventLoop(): Promise<void> {
  return setImmediate();
}

/** Every this many lines a long pass yields (about a millisecond of work on a loaded machine). */
export const YIELD_EVERY_LINES = 100;
