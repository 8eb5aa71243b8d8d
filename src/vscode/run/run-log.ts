import { usd } from '../../protocol/money';
import { estimateCheckViewOf } from '../../engine/work-view';
import { estimateCheckLines } from '../../protocol/work-text';
import { redact, type ClassifiedError } from '../../core/errors';
import type { GenerationRun } from '../../core/generate/run/generation-run';
import type { RunSummary } from '../../core/generate/run/run-types';
import { requestsText } from '../../core/generate/run/run-summary';
import type { Disposable, LogSink } from '../ports';

/**
 * Every request's outcome, every pause and resume, into the output channel. All text passes
 * through `redact` on its way out, in case an error message ever carried a key.
 */
export function safeLog(log: LogSink): LogSink {
  return {
    info: (m) => log.info(redact(m)),
    warn: (m) => log.warn(redact(m)),
    error: (m) => log.error(redact(m)),
    debug: (m) => log.debug(redact(m)),
    ...(log.show ? { show: (p?: boolean) => log.show!(p) } : {}),
  };
}

function errorText(error: ClassifiedError): string {
  const parts = [`kind=${error.kind}`];
  if (error.status !== undefined) parts.push(`status=${error.status}`);
  if (error.requestId) parts.push(`request-id=${error.requestId}`);
  return `${parts.join(' ')}: ${error.message}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 90) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export const formatUsd = usd;

export function attachRunLog(run: GenerationRun, log: LogSink, now: () => number): Disposable {
  const p = run.processor;
  const subs: Disposable[] = [
    p.on('started', ({ job, attempt, waitedMs }) =>
      log.info(`request started: ${job.id} (${job.batchId}, ${job.model}) attempt ${attempt}, waited ${formatDuration(waitedMs)}`),
    ),
    p.on('step', ({ job, durationMs, usage }) =>
      log.info(
        `request succeeded (turn): ${job.id} in ${formatDuration(durationMs)}, ${usage.inputTokens} in / ${usage.outputTokens} out tokens`,
      ),
    ),
    p.on('succeeded', ({ job, durationMs, usage }) =>
      log.info(`request succeeded: ${job.id} in ${formatDuration(durationMs)}, ${usage.inputTokens} in / ${usage.outputTokens} out tokens`),
    ),
    p.on('retrying', ({ job, error, delayMs }) =>
      log.warn(`request retrying: ${job.id} in ${formatDuration(delayMs)} (attempt ${job.attempts}) ${errorText(error)}`),
    ),
    p.on('failed', ({ job, error }) => log.error(`request failed: ${job.id} after ${job.attempts} attempts ${errorText(error)}`)),
    p.on('cancelled', ({ job }) => log.info(`request cancelled: ${job.id}`)),
    p.on('paused', ({ until, reason, error }) => {
      if (reason === 'user') return log.info('dispatch paused by the user');
      const wait = until !== undefined ? ` for ${formatDuration(Math.max(0, until - now()))}` : '';
      log.warn(`dispatch paused${wait}: ${error ? errorText(error) : 'rate limited'}`);
    }),
    p.on('resumed', ({ reason }) =>
      log.info(reason === 'user' ? 'dispatch resumed by the user' : 'dispatch resumed after the rate-limit pause'),
    ),
    p.on('health', ({ snapshot }) => {
      const worst = snapshot.limiters.reduce((m, l) => Math.max(m, l.utilization), 0);
      log.info(`health: ${snapshot.health} (${Math.round(worst * 100)}% of the tightest limit)`);
    }),
    p.on('stopped', ({ error }) =>
      error.kind === 'cancelled' ? log.info('run cancelled') : log.error(`run stopped: ${errorText(error)}`),
    ),
    run.on('batches', ({ batches }) => {
      for (const b of batches) {
        log.info(
          `batch ${b.id} (${b.sourceFile}): ${b.total} conversations, ${b.skipped} already done, ${b.skippedFailed} failed before; writing ${b.datasetPath}`,
        );
      }
    }),
  ];
  return { dispose: () => subs.forEach((s) => s.dispose()) };
}

export function summaryText(s: RunSummary): string {
  const head = `${s.generated} generated, ${s.skipped} already done, ${s.failed} failed`;
  const rest = s.remaining > 0 ? `, ${s.remaining} left for a re-run` : '';
  return `${head}${rest}; ${requestsText(s)} (${s.rateLimited} rate-limited), ${formatUsd(s.costUsd)}, ${formatDuration(s.wallSeconds * 1000)}`;
}

export function logRunStarted(log: LogSink, run: GenerationRun, files: readonly string[], simulated: boolean): void {
  const todo = run.listBatches().reduce((n, b) => n + b.total - b.skipped, 0);
  log.info(
    `run started${simulated ? ' (DRY RUN against the built-in simulator)' : ''}: ${files.length} prompt file(s), ${todo} conversations to do`,
  );
}

export function logRunEnded(log: LogSink, summary: RunSummary, simulated: boolean): void {
  log.info(`run ${summary.state}${simulated ? ' (DRY RUN)' : ''}: ${summaryText(summary)}`);
  if (summary.estimateCheck) for (const l of estimateCheckLines(estimateCheckViewOf(summary.estimateCheck), formatUsd)) log.info(`  ${l}`);
  for (const d of summary.datasets) log.info(`  ${d.batch}: ${d.generated} written to ${d.path}`);
}
