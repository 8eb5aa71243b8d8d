import type { ClassifiedError } from '../errors';
import type { ProcessorEvents } from './events';
import { moveJob } from './transitions';
import type { TypedEmitter } from './typed-emitter';
import type { Job } from './types';

export interface Tallies {
  succeeded: number;
  failed: number;
  cancelled: number;
  retries: number;
  rateLimited: number;
}

type Done<T> = ProcessorEvents<T>['succeeded'];

/** Where a job's end is recorded: its state, the tallies and the event, always together. */
export class JobLedger<T> {
  readonly counts: Tallies = { succeeded: 0, failed: 0, cancelled: 0, retries: 0, rateLimited: 0 };

  constructor(private readonly emitter: TypedEmitter<ProcessorEvents<T>>) {}

  succeeded(event: Done<T>): void {
    moveJob(event.job, 'succeeded');
    this.counts.succeeded++;
    this.emitter.emit('succeeded', event);
  }

  retrying(job: Job<T>, error: ClassifiedError, delayMs: number): void {
    this.counts.retries++;
    this.emitter.emit('retrying', { job, error, delayMs });
  }

  failed(job: Job<T>, error: ClassifiedError): void {
    moveJob(job, 'failed');
    this.counts.failed++;
    this.emitter.emit('failed', { job, error });
  }

  cancelled(job: Job<T>): void {
    moveJob(job, 'cancelled');
    this.counts.cancelled++;
    this.emitter.emit('cancelled', { job });
  }

  rateLimited(): void {
    this.counts.rateLimited++;
  }
}
