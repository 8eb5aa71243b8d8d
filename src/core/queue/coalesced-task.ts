/**
 * Runs an async task one call at a time. A call made while it runs starts no second run (two
 * would race for the same state, e.g. one free concurrency slot); it asks for one more pass once
 * the current one ends, so whatever prompted the call is still looked at.
 */
export class CoalescedTask {
  private running = false;
  private again = false;

  constructor(private readonly pass: () => Promise<void>) {}

  get busy(): boolean {
    return this.running;
  }

  /** True once this call's passes have ended; false at once when it only asked the running call for another pass. */
  async run(): Promise<boolean> {
    if (this.running) {
      this.again = true;
      return false;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    } finally {
      this.running = false;
    }
    return true;
  }
}
