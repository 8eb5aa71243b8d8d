/**
 * A growable ring buffer: O(1) push/pop at both ends and O(1) indexed reads.
 * `Array.prototype.shift` is O(n) on large arrays, which turns a 1,000,000-job drain quadratic.
 */
export class Deque<T> {
  private buffer: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(initialCapacity = 16) {
    let capacity = 4;
    while (capacity < initialCapacity) capacity *= 2;
    this.buffer = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  pushBack(value: T): void {
    if (this.count === this.buffer.length) this.grow();
    this.buffer[(this.head + this.count) & (this.buffer.length - 1)] = value;
    this.count++;
  }

  pushFront(value: T): void {
    if (this.count === this.buffer.length) this.grow();
    this.head = (this.head - 1) & (this.buffer.length - 1);
    this.buffer[this.head] = value;
    this.count++;
  }

  popFront(): T | undefined {
    if (this.count === 0) return undefined;
    const value = this.buffer[this.head];
    // Drop the reference so popped jobs can be collected.
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) & (this.buffer.length - 1);
    this.count--;
    return value;
  }

  peekFront(): T | undefined {
    return this.count === 0 ? undefined : this.buffer[this.head];
  }

  /** The element `index` places from the front, or undefined when out of range. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.buffer[(this.head + index) & (this.buffer.length - 1)];
  }

  clear(): void {
    this.buffer = new Array<T | undefined>(16);
    this.head = 0;
    this.count = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.buffer[(this.head + i) & (this.buffer.length - 1)] as T;
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.buffer.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.buffer[(this.head + i) & (this.buffer.length - 1)];
    this.buffer = next;
    this.head = 0;
  }
}
