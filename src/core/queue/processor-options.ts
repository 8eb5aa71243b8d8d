import type { Clock } from '../clock';
import type { RateLimiter } from '../limiter/types';
import { validateBackoff, type BackoffOptions } from './backoff';
import { machineCapacity, type LoadProbe } from './machine-capacity';
import { DEFAULT_OUTAGE_OPTIONS, type OutageOptions } from './outage';
import type { Executor, Job } from './types';
import { expectFunction, expectInteger, expectObject, invalidOption } from '../validate';

/** Checked before each dispatch; a job that would exceed the budget stops the run. */
/** Attempts per request before its conversation fails, online and in Message Batches alike (`--max-attempts`). */
export const DEFAULT_MAX_ATTEMPTS = 5;

export interface BudgetGuard<T> {
  wouldExceed(job: Job<T>): boolean;
  /** Why the run stops, when the guard can say better than "would exceed the budget". */
  reason?(job: Job<T>): string | undefined;
}

export interface ProcessorOptions<T> {
  clock: Clock;
  limiter: RateLimiter;
  executor: Executor<T>;
  /**
   * User-set ceiling on requests in flight; it always wins over the derived value. Unset, the
   * ceiling is what this machine can hold (machine-capacity.ts), never a fixed number: at 10,000
   * RPM with 20 s answers reaching the limit takes ~3,300 requests in flight.
   */
  maxConcurrency?: number;
  /** The ceiling when the user sets none. Default: machineCapacity(). */
  machineCapacity?: number;
  /** Growth of concurrency stops while this says the process is short of CPU (see eventLoopLoad). Default: never. */
  load?: LoadProbe;
  /** Concurrency before any latency has been observed. Default min(4, ceiling). */
  initialConcurrency?: number;
  /** Failed attempts before a job fails (429 pauses do not count). Default DEFAULT_MAX_ATTEMPTS. */
  maxAttempts?: number;
  backoff: BackoffOptions;
  budget?: BudgetGuard<T>;
  /** Pause after a 429 without retry-after (doubles on each consecutive 429). Default 5,000. */
  rateLimitPauseMs?: number;
  /** Ceiling of that fallback pause. Default 120,000. */
  maxRateLimitPauseMs?: number;
  /** When endpoint failures mean an outage, and how long to wait it out (outage.ts). */
  outage?: Partial<OutageOptions>;
  /** Told about listeners that throw; the processor carries on regardless. */
  onListenerError?: (error: unknown) => void;
}

export interface ResolvedOptions<T> extends Required<
  Omit<ProcessorOptions<T>, 'budget' | 'onListenerError' | 'machineCapacity' | 'load' | 'outage'>
> {
  load?: LoadProbe;
  outage: OutageOptions;
  /** Whether `maxConcurrency` is the user's or the machine's. */
  concurrencyCeiling: 'user' | 'machine';
  budget?: BudgetGuard<T>;
  onListenerError?: (error: unknown) => void;
}

/** Drops keys set to undefined, so they do not hide the defaults. */
function definedOnly<O extends object>(o: O): Partial<O> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<O>;
}

export function resolveOptions<T>(options: ProcessorOptions<T>): ResolvedOptions<T> {
  expectObject('options', options);
  for (const name of ['clock', 'limiter', 'executor', 'backoff'] as const) {
    if (options[name] == null) throw invalidOption(name, 'provided', options[name]);
  }
  if (options.maxConcurrency !== undefined) expectInteger('maxConcurrency', options.maxConcurrency, 1);
  if (options.machineCapacity !== undefined) expectInteger('machineCapacity', options.machineCapacity, 1);
  const maxConcurrency = options.maxConcurrency ?? options.machineCapacity ?? machineCapacity();
  const initialConcurrency = options.initialConcurrency ?? Math.min(4, maxConcurrency);
  expectInteger('initialConcurrency', initialConcurrency, 1);
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  expectInteger('maxAttempts', maxAttempts, 1);
  const rateLimitPauseMs = options.rateLimitPauseMs ?? 5000;
  expectInteger('rateLimitPauseMs', rateLimitPauseMs, 1);
  const maxRateLimitPauseMs = options.maxRateLimitPauseMs ?? 120_000;
  expectInteger('maxRateLimitPauseMs', maxRateLimitPauseMs, rateLimitPauseMs);
  if (options.budget !== undefined) expectFunction('budget.wouldExceed', options.budget.wouldExceed);
  const { machineCapacity: _machine, ...rest } = options;
  return {
    ...rest,
    maxConcurrency,
    concurrencyCeiling: options.maxConcurrency !== undefined ? 'user' : 'machine',
    initialConcurrency: Math.min(initialConcurrency, maxConcurrency),
    maxAttempts,
    backoff: validateBackoff(options.backoff),
    rateLimitPauseMs,
    maxRateLimitPauseMs,
    outage: { ...DEFAULT_OUTAGE_OPTIONS, ...definedOnly(options.outage ?? {}) },
  };
}
