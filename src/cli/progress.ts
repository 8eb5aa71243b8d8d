import type { GenerationRun } from '../core/generate/run/generation-run';
import type { Disposable } from '../core/queue/typed-emitter';
import type { LimiterSnapshot } from '../core/limiter/types';
import { redact } from '../core/errors';
import { sharingSentence, type SharingFacts } from '../core/limiter/sharing-text';
import { clockTime, compact, duration, percent, relative, usd } from './format';
import { etaBasisText } from '../protocol/work-text';
import { workViewOf } from '../engine/work-view';
import { describeMessageBatch } from '../core/message-batches/describe';

export interface ProgressSink {
  write(text: string): void;
  readonly isTTY: boolean;
  readonly columns?: number;
}

const DIMENSION_LABEL = { requests: 'req', inputTokens: 'in', outputTokens: 'out' } as const;

/**
 * Shows a run while it works: on a terminal a live block redrawn a few times a second; elsewhere
 * (CI logs, pipes) plain lines at events and every few seconds. Never prints the API key.
 */
export class ProgressDisplay implements Disposable {
  private readonly subscriptions: Disposable[] = [];
  private timer?: NodeJS.Timeout;
  private drawnLines = 0;
  private lastPlain = 0;
  private rendering = false;
  /** Whether the shared store was reachable at the last tick, to say so once when it changes. */
  private storeReachable = true;

  constructor(
    private readonly run: GenerationRun,
    private readonly out: ProgressSink,
    private readonly options: {
      quiet: boolean;
      simulated: boolean;
      now: () => number;
      plainEveryMs?: number;
      endpoint?: string;
      cwd?: string;
    },
  ) {}

  start(): void {
    if (this.options.quiet) return;
    const p = this.run.processor;
    const log = (line: string) => this.log(line);
    this.subscriptions.push(
      p.on('paused', (e) => {
        if (e.reason === 'rate_limit' && e.until !== undefined) {
          log(`paused ${duration(e.until - this.options.now())} by a 429 (${e.error?.message ?? 'rate limited'})`);
        } else if (e.reason === 'outage' && e.until !== undefined) {
          log(
            `${this.cannotReach()} since ${clockTime(e.since ?? this.options.now())}; retrying in ${duration(e.until - this.options.now())} (${e.error?.message ?? 'no answer'})`,
          );
        } else if (e.reason === 'user') log('paused');
      }),
      p.on('resumed', (e) =>
        log(
          e.reason === 'rate_limit'
            ? 'resumed after the 429 pause'
            : e.reason === 'outage'
              ? 'the API answers again: resumed after the outage'
              : 'resumed',
        ),
      ),
      p.on('retrying', (e) => {
        if (e.error.action !== 'pause') log(`retrying ${e.job.id} in ${duration(e.delayMs)}: ${e.error.message}`);
      }),
      p.on('failed', (e) => log(`failed ${e.job.id} after ${e.job.attempts} attempts: ${e.error.message}`)),
      p.on('stopped', (e) => {
        if (e.error.kind !== 'cancelled') log(`stopped: ${e.error.message}`);
      }),
    );
    const every = this.out.isTTY ? 250 : 1000;
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.clear();
  }

  private log(line: string): void {
    this.clear();
    this.out.write(`${redact(line)}\n`);
  }

  private async tick(): Promise<void> {
    if (this.rendering) return;
    this.rendering = true;
    try {
      const lines = await this.lines();
      if (this.out.isTTY) {
        this.clear();
        const width = Math.max(40, (this.out.columns ?? 100) - 1);
        this.out.write(lines.map((l) => l.slice(0, width)).join('\n') + '\n');
        this.drawnLines = lines.length;
      } else if (this.options.now() - this.lastPlain >= (this.options.plainEveryMs ?? 5000)) {
        this.lastPlain = this.options.now();
        this.out.write(`${lines.join(' | ')}\n`);
      }
    } finally {
      this.rendering = false;
    }
  }

  private cannotReach(): string {
    return `cannot reach the API${this.options.endpoint ? ` at ${this.options.endpoint}` : ''}`;
  }

  private clear(): void {
    if (!this.out.isTTY || this.drawnLines === 0) return;
    this.out.write(`\x1b[${this.drawnLines}F\x1b[J`);
    this.drawnLines = 0;
  }

  private async lines(): Promise<string[]> {
    const snap = await this.run.snapshot();
    const m = snap.metrics;
    const total = snap.batches.reduce((n, b) => n + b.total - b.skipped - b.skippedFailed, 0);
    const done = snap.batches.reduce((n, b) => n + b.generated, 0);
    const failed = snap.batches.reduce((n, b) => n + b.failed, 0);
    // The bar moves with requests weighted by the binding limit, so long conversations advance it as their messages arrive.
    const work = snap.progress;
    const ratio = Math.min(1, Math.max(0, work.fraction));
    const barWidth = 24;
    const filled = Math.round(ratio * barWidth);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`;
    const eta = m.etaMs !== undefined ? ` ETA ${duration(m.etaMs)}` : '';
    const view = workViewOf(work);
    const pace = `ETA ${etaBasisText(m.etaMs !== undefined ? view : { ...view, etaBasis: null })}`;
    const spend = `${usd(m.costUsd + snap.messageBatchCostUsd)}${snap.estimateUsd !== undefined ? ` of ~${usd(snap.estimateUsd)}` : ''}${snap.budgetUsd !== undefined ? ` (budget ${usd(snap.budgetUsd)})` : ''}`;
    const mb = work.messageBatches;
    const online = !mb || work.stepsTotal > 0 ? `${work.stepsDone}/${work.stepsTotal} req` : '';
    const batched = mb ? `${mb.done}/${mb.requests} Message Batch req` : '';
    const requests = [online, batched].filter((x) => x !== '').join(' + ');
    const steps = `${done}/${total} conv${failed ? ` (${failed} failed)` : ''}, ${requests} (${Math.floor(ratio * 100)}%)`;
    const first = `${this.options.simulated ? 'DRY RUN ' : ''}${bar} ${steps}${eta} ${m.throughputPerMinute.toFixed(1)}/min ${spend}`;
    const limits = snap.limiters
      .map(
        (l) =>
          `${l.modelClass}: ` +
          (['requests', 'inputTokens', 'outputTokens'] as const)
            .map((d) => `${DIMENSION_LABEL[d]} ${percent(l.dimensions[d].utilization)} of ${compact(l.dimensions[d].limit)}`)
            .join(', ') +
          ` ${classLabel(l)}`,
      )
      .join('; ');
    const proc = m.processor;
    const left = proc.pausedUntil !== undefined ? duration(proc.pausedUntil - this.options.now()) : '';
    const pause =
      proc.pauseReason === 'outage' && proc.outageSince !== undefined
        ? ` | ${this.cannotReach().toUpperCase()} since ${clockTime(proc.outageSince)}, retrying in ${left}`
        : proc.pausedUntil !== undefined
          ? ` | PAUSED by 429, resuming in ${left}`
          : proc.pauseReason === 'user'
            ? ' | paused'
            : '';
    const input = m.tokens.input + m.tokens.cacheCreation + m.tokens.cacheRead;
    const cached = m.tokens.cacheRead > 0 ? ` (${percent(m.cacheReadShare)} from cache, saved ${usd(m.cacheSavingsUsd)})` : '';
    const second = `active ${proc.active}/${proc.concurrency} | queued ${proc.queuedTotal} | tokens ${compact(input)} in${cached}, ${compact(m.tokens.output)} out${pause}`;
    this.noteSharing(snap.limiters);
    const shared = sharingOf(snap.limiters);
    const cwd = this.options.cwd ?? process.cwd();
    const batches = snap.messageBatches.map((b) => `Message Batch ${describeMessageBatch(b, this.options.now(), relative(cwd, b.file))}`);
    return [first, second, pace, ...(limits ? [limits] : []), ...(shared ? [sharingSentence(shared)] : []), ...batches];
  }

  private noteSharing(limiters: readonly LimiterSnapshot[]): void {
    const shared = sharingOf(limiters);
    const reachable = shared?.reachable ?? true;
    if (reachable === this.storeReachable) return;
    this.storeReachable = reachable;
    this.log(reachable ? 'shared limits store reachable again: resuming' : sharingSentence(shared!));
  }
}

function sharingOf(limiters: readonly LimiterSnapshot[]): SharingFacts | undefined {
  const shared = limiters.filter((l) => l.sharing).map((l) => l.sharing!);
  if (shared.length === 0) return undefined;
  const down = shared.find((s) => !s.reachable);
  return {
    scope: shared[0]!.scope,
    processes: Math.max(...shared.map((s) => s.processes)),
    reachable: !down,
    problem: down?.problem ?? null,
  };
}

/**
 * A class's health label. Holding back on Forge's own account is never called "at limit": it says
 * how far below the limit it runs, and why.
 */
export function classLabel(l: Pick<LimiterSnapshot, 'pausedUntil' | 'health' | 'throttle'>): string {
  if (l.pausedUntil !== undefined) return 'PAUSED';
  if (l.throttle?.reason === 'learning') return 'learning the limits (one probe until the first headers)';
  if (l.throttle) return `held at ${percent(l.throttle.share)} after an unexplained 429, recovering`;
  return l.health === 'throttled' ? 'at limit' : l.health;
}
