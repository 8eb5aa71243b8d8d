/**
 * What one client run did, as seen from the client side: each job's successes and give-ups in
 * completion order, and every HTTP request to /v1/messages through an instrumented fetch.
 */
export interface HttpEvent {
  /** Milliseconds after the run's start. */
  readonly at: number;
  readonly status: number | 'error';
}

export interface Completion {
  readonly id: string;
  readonly at: number;
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export class RunRecorder {
  readonly start = performance.now();
  readonly successes = new Map<string, number>();
  readonly gaveUp = new Set<string>();
  readonly completions: Completion[] = [];
  readonly http: HttpEvent[] = [];
  private settledIds = new Set<string>();
  private waiter?: () => void;

  constructor(readonly total: number) {}

  now(): number {
    return performance.now() - this.start;
  }

  success(id: string): void {
    const n = (this.successes.get(id) ?? 0) + 1;
    this.successes.set(id, n);
    if (n === 1) this.completions.push({ id, at: this.now() });
    this.settle(id);
  }

  /** The client will not try this job again. */
  giveUp(id: string): void {
    this.gaveUp.add(id);
    this.settle(id);
  }

  private settle(id: string): void {
    this.settledIds.add(id);
    if (this.settledIds.size >= this.total) this.waiter?.();
  }

  get settled(): number {
    return this.settledIds.size;
  }

  /** Resolves when every job succeeded or was given up. */
  allSettled(): Promise<void> {
    if (this.settledIds.size >= this.total) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** A fetch that logs each request's start time and status, for the SDK's `fetch` option. */
  readonly fetch: Fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.includes('/v1/messages')) return fetch(input, init);
    const at = this.now();
    return fetch(input, init).then(
      (res) => {
        this.http.push({ at, status: res.status });
        return res;
      },
      (err: unknown) => {
        this.http.push({ at, status: 'error' });
        throw err;
      },
    );
  };
}
