/**
 * Consumption over the trailing minute, in one counter per second: constant memory and
 * constant work per event, however many requests pass. Plain data, so a store can serialize it.
 */
export const RING_SECONDS = 60;

/**
 * A run that began 20 s ago at full pace has used a third of the minute's allowance but is at the
 * limit: utilization compares consumption with the allowance of the span actually covered,
 * at least this many seconds (so one request does not read as a flood) and at most a minute.
 */
export const MIN_SPAN_SECONDS = 10;

export interface UsageRing {
  slots: number[];
  /** The latest second (epoch seconds) the ring has been rolled to. */
  second: number;
  /** The second consumption began, since the ring was last empty. */
  since?: number;
  /**
   * Seconds (epoch) of the latest slot holding consumption, so "is the ring empty?" costs one
   * comparison on the admit path instead of summing 60 slots. Absent in a ring never charged.
   */
  lastUsed?: number;
}

export function emptyRing(now: number): UsageRing {
  return { slots: new Array<number>(RING_SECONDS).fill(0), second: Math.floor(now / 1000) };
}

/** Clears the slots of seconds that have left the window since the last roll. */
function roll(ring: UsageRing, now: number): void {
  const second = Math.floor(now / 1000);
  if (second <= ring.second) return;
  const gap = Math.min(second - ring.second, RING_SECONDS);
  for (let i = 1; i <= gap; i++) ring.slots[(ring.second + i) % RING_SECONDS] = 0;
  ring.second = second;
}

/**
 * Books `amount` (negative for a refund) against the second it belongs to (`at`), so a refund
 * cancels its own charge. Corrections for seconds that have left the window are dropped,
 * except consumption that is only known now, which lands in the current second.
 */
export function record(ring: UsageRing, now: number, at: number, amount: number): void {
  roll(ring, now);
  const atSecond = Math.min(Math.floor(at / 1000), ring.second);
  const inWindow = atSecond > ring.second - RING_SECONDS;
  if (!inWindow && amount < 0) return;
  const second = inWindow ? atSecond : ring.second;
  const slot = second % RING_SECONDS;
  if (amount > 0 && (ring.since === undefined || isEmpty(ring))) ring.since = second;
  const value = Math.max(0, (ring.slots[slot] ?? 0) + amount);
  ring.slots[slot] = value;
  if (value > 0) {
    if (ring.lastUsed === undefined || second > ring.lastUsed) ring.lastUsed = second;
  } else if (second === ring.lastUsed) {
    // A refund emptied the latest used slot: find the one before it, if any (rare).
    ring.lastUsed = latestUsed(ring);
  }
}

/** After roll(): true when no slot holds consumption. */
function isEmpty(ring: UsageRing): boolean {
  return ring.lastUsed === undefined || ring.lastUsed <= ring.second - RING_SECONDS;
}

function latestUsed(ring: UsageRing): number | undefined {
  for (let s = ring.second; s > ring.second - RING_SECONDS; s--) if ((ring.slots[s % RING_SECONDS] ?? 0) > 0) return s;
  return undefined;
}

function sum(ring: UsageRing): number {
  let s = 0;
  for (const v of ring.slots) s += v;
  return s;
}

/** Consumption over the trailing 60 seconds (the current second included). */
export function total(ring: UsageRing, now: number): number {
  roll(ring, now);
  return sum(ring);
}

/** Seconds of the trailing minute that consumption has covered, from MIN_SPAN_SECONDS to 60. */
export function coveredSeconds(ring: UsageRing, now: number): number {
  roll(ring, now);
  const since = ring.since ?? ring.second;
  return Math.min(RING_SECONDS, Math.max(MIN_SPAN_SECONDS, ring.second - since + 1));
}
