import type { Clock, TimerHandle } from '../clock';
import type { ClassifiedError } from '../errors';
import { backoffDelay } from './backoff';

export interface OutageOptions {
  /** Endpoint failures in a row, with no answer between them, after which an endpoint never reached is given up on. */
  readonly threshold: number;
  /** Different conversations whose requests failed in a row, with no success between them, that make an outage. */
  readonly stormJobs: number;
  /** How long an outage may last before the run gives up (its jobs stay queued for a re-run). */
  readonly patienceMs: number;
  /** First wait between probes; doubles up to `probeMaxMs`. */
  readonly probeBaseMs: number;
  readonly probeMaxMs: number;
  /** The endpoint's name in messages, e.g. its base URL. */
  readonly endpoint?: string;
}

export const DEFAULT_OUTAGE_OPTIONS: OutageOptions = {
  threshold: 3,
  stormJobs: 5,
  patienceMs: 30 * 60_000,
  probeBaseMs: 1_000,
  probeMaxMs: 30_000,
};

/** Failures that say the endpoint is in trouble rather than the request: no answer, or a 5xx/529. */
export function isEndpointFault(error: ClassifiedError): boolean {
  return error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server' || error.kind === 'overloaded';
}

/**
 * What an endpoint failure means: `job` charges the job an attempt as usual; `outage` puts it back
 * uncharged (the endpoint is down, not the job); `give_up` stops the run, jobs kept for a re-run.
 */
export type OutageVerdict<J> =
  | { readonly type: 'job' }
  | { readonly type: 'outage'; readonly refunds: readonly J[] }
  | { readonly type: 'give_up'; readonly error: ClassifiedError; readonly refunds: readonly J[] };

export interface OutageHooks {
  /** An outage began or a probe failed: `nextProbeAt` is when one request is tried again. */
  announced(since: number, nextProbeAt: number, error: ClassifiedError): void;
  /** The probe time came: dispatch may send one request. */
  probeDue(): void;
  /** A request got through: the outage is over. */
  ended(since: number): void;
}

type State<J> =
  | { readonly type: 'closed' }
  | { readonly type: 'open'; readonly since: number; readonly nextProbeAt: number; readonly probes: number; probe?: J; due?: boolean };

/**
 * A circuit breaker for the endpoint. Closed: failures are the jobs' own. After `threshold` endpoint
 * failures in a row it opens: dispatch holds (attempts charged during the streak are refunded),
 * one request probes at growing intervals, and the first success closes it. An endpoint never
 * reached since the run began is given up on at once: a clear error within seconds, not a wait.
 */
export class Outage<J> {
  private state: State<J> = { type: 'closed' };
  /** Jobs charged an attempt during the current streak, and how many. */
  private readonly streak = new Map<J, number>();
  private failures = 0;
  private everReached = false;
  private timer?: TimerHandle;

  constructor(
    private readonly clock: Clock,
    private readonly options: OutageOptions,
    private readonly hooks: OutageHooks,
  ) {
    const { threshold, stormJobs, patienceMs, probeBaseMs, probeMaxMs } = options;
    for (const [name, v] of [
      ['threshold', threshold],
      ['stormJobs', stormJobs],
    ] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new TypeError(`Expected \`outage.${name}\` to be an integer from 1 up, got \`${v}\``);
    }
    for (const [name, v] of [
      ['patienceMs', patienceMs],
      ['probeBaseMs', probeBaseMs],
      ['probeMaxMs', probeMaxMs],
    ] as const) {
      if (!(Number.isFinite(v) && v > 0)) throw new TypeError(`Expected \`outage.${name}\` to be a number above 0, got \`${v}\``);
    }
  }

  /** Since when the endpoint has been unreachable, while an outage holds. */
  get since(): number | undefined {
    return this.state.type === 'open' ? this.state.since : undefined;
  }

  get nextProbeAt(): number | undefined {
    return this.state.type === 'open' ? this.state.nextProbeAt : undefined;
  }

  /** Whether dispatch may send a request now: always when closed, one probe at a time when open. */
  mayDispatch(now: number): boolean {
    const s = this.state;
    // `due`: the probe timer fired. Timers run on a monotonic clock and may fire a millisecond before
    // the wall clock reads nextProbeAt; judged by the wall clock alone, that probe was never sent,
    // nothing else was armed, and the CLI's event loop ran empty mid-outage (exit 0, no summary).
    return s.type === 'closed' || (s.probe === undefined && (s.due === true || now >= s.nextProbeAt));
  }

  /** A request was sent; while open it is the probe. */
  launched(job: J): void {
    if (this.state.type === 'open') this.state.probe = job;
  }

  succeeded(): void {
    this.everReached = true;
    this.failures = 0;
    this.streak.clear();
    const s = this.state;
    if (s.type !== 'open') return;
    this.clearTimer();
    this.state = { type: 'closed' };
    this.hooks.ended(s.since);
  }

  /** A request failed; decides whose failure it was. */
  failed(error: ClassifiedError, job: J): OutageVerdict<J> {
    if (!isEndpointFault(error)) {
      // A 4xx or an unusable answer is still an answer: the endpoint is there.
      if (error.kind !== 'cancelled') this.succeeded();
      return { type: 'job' };
    }
    const now = this.clock.now();
    const s = this.state;
    if (s.type === 'open') {
      // Requests sent before the outage was seen fail too; only the probe's answer moves it on.
      if (job !== s.probe) return { type: 'outage', refunds: [] };
      if (now - s.since >= this.options.patienceMs) return this.giveUp(error, s.since, []);
      this.open(s.since, s.probes + 1, error);
      return { type: 'outage', refunds: [] };
    }
    // An HTTP answer, even a 5xx or an overload mid-stream, proves the endpoint is there.
    if (error.status !== undefined || error.kind === 'server' || error.kind === 'overloaded') this.everReached = true;
    this.failures++;
    const unreachable = !this.everReached && this.failures >= this.options.threshold;
    // One or two jobs failing again and again are their own trouble; a storm is many conversations failing.
    const storm = new Set([...this.streak.keys(), job]).size >= this.options.stormJobs;
    if (!unreachable && !storm) {
      this.streak.set(job, (this.streak.get(job) ?? 0) + 1);
      return { type: 'job' };
    }
    const refunds = [...this.streak].flatMap(([j, n]) => Array<J>(n).fill(j));
    this.streak.clear();
    if (unreachable) return this.giveUp(error, now, refunds);
    this.open(now, 0, error);
    return { type: 'outage', refunds };
  }

  /** Forgets the outage (the run stopped): a resumed run starts closed, and counts from zero. */
  reset(): void {
    this.clearTimer();
    this.state = { type: 'closed' };
    this.failures = 0;
    this.streak.clear();
  }

  dispose(): void {
    this.clearTimer();
  }

  private open(since: number, probes: number, error: ClassifiedError): void {
    const wait = backoffDelay({ baseMs: this.options.probeBaseMs, maxMs: this.options.probeMaxMs, jitter: () => 1 }, probes + 1);
    const nextProbeAt = this.clock.now() + wait;
    this.state = { type: 'open', since, nextProbeAt, probes };
    this.clearTimer();
    const opened = this.state;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      opened.due = true;
      this.hooks.probeDue();
    }, wait);
    this.hooks.announced(since, nextProbeAt, error);
  }

  private giveUp(error: ClassifiedError, since: number, refunds: readonly J[]): OutageVerdict<J> {
    this.clearTimer();
    this.state = { type: 'closed' };
    const api = `cannot reach the API${this.options.endpoint ? ` at ${this.options.endpoint}` : ''}`;
    const how = this.everReached
      ? `${api} since ${new Date(since).toISOString()}; gave up after ${Math.round((this.clock.now() - since) / 60_000)} min`
      : api;
    // The kind stays the endpoint's; the action is the run's: nothing more can succeed now.
    const stop: ClassifiedError = { kind: error.kind, action: 'stop_run', retryable: false, message: `${how} (${error.message})` };
    return { type: 'give_up', error: stop, refunds };
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
