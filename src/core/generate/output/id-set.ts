/** Forge's own conversation ids: a name slug, a dash, and 12 lower-case hex digits of a digest (expand.ts). */
const FORGE_ID = /^(.+)-([0-9a-f]{12})$/;

/**
 * The ids a dataset already holds, for resume: a set of strings that holds Forge's own ids as
 * 48-bit numbers in an open-addressed table per name slug (about 14 bytes an id, against about 60
 * for a string in a Set), and any other id as a string. A million-conversation dataset is otherwise
 * mostly this set in memory. Iteration gives every id, grouped by slug, not in insertion order.
 */
export class IdSet implements Iterable<string> {
  private readonly tables = new Map<string, HexTable>();
  private readonly others = new Set<string>();

  get size(): number {
    let n = this.others.size;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }

  has(id: string): boolean {
    const m = FORGE_ID.exec(id);
    if (!m) return this.others.has(id);
    return this.tables.get(m[1]!)?.has(parseInt(m[2]!, 16)) ?? false;
  }

  /** Adds `id`; false when it was already there. */
  add(id: string): boolean {
    const m = FORGE_ID.exec(id);
    if (!m) {
      if (this.others.has(id)) return false;
      this.others.add(id);
      return true;
    }
    let table = this.tables.get(m[1]!);
    if (!table) this.tables.set(m[1]!, (table = new HexTable()));
    return table.add(parseInt(m[2]!, 16));
  }

  *[Symbol.iterator](): Iterator<string> {
    for (const [slug, table] of this.tables) for (const v of table.values()) yield `${slug}-${v.toString(16).padStart(12, '0')}`;
    yield* this.others;
  }
}

/**
 * Non-negative integers below 2^48 in linear probing over a Float64Array (a slot holds value + 1,
 * 0 is empty). The values are digests, already uniform, so their low bits are the hash.
 */
class HexTable {
  private slots = new Float64Array(16);
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(v: number): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = v & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === 0) return false;
      if (s === v + 1) return true;
    }
  }

  add(v: number): boolean {
    if (this.has(v)) return false;
    if ((this.count + 1) * 4 > this.slots.length * 3) this.grow();
    place(this.slots, v);
    this.count++;
    return true;
  }

  *values(): Generator<number> {
    for (const s of this.slots) if (s !== 0) yield s - 1;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (const s of old) if (s !== 0) place(this.slots, s - 1);
  }
}

function place(slots: Float64Array, v: number): void {
  const mask = slots.length - 1;
  let i = v & mask;
  while (slots[i] !== 0) i = (i + 1) & mask;
  slots[i] = v + 1;
}
