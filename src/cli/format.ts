import * as path from 'node:path';
import { usd as dollars } from '../protocol/money';
import type { RunEstimate } from '../core/generate/estimate';
import { requestsText } from '../core/generate/run/run-summary';
import type { RunSummary } from '../core/generate/run/run-types';
import { estimateCheckViewOf } from '../engine/work-view';
import { estimateCheckLines } from '../protocol/work-text';

/** As every front end writes dollars, but nothing spent is "$0". */
export function usd(n: number): string {
  return n === 0 ? '$0' : dollars(n);
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Local wall-clock time of an epoch-ms instant, e.g. 12:03:10. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export function percent(ratio: number): string {
  return `${Math.round(Math.max(0, ratio) * 100)}%`;
}

export function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k`;
  return String(Math.round(n));
}

export function relative(cwd: string, file: string): string {
  const r = path.relative(cwd, file);
  return r && !r.startsWith('..') ? r : file;
}

/** ", 82% of input from cache, saves ~$1.20" — empty when nothing is cached. */
export function cachePhrase(input: number, cacheRead: number, savedUsd: number | undefined, approx = false): string {
  if (cacheRead <= 0 || input <= 0) return '';
  const saved = savedUsd !== undefined && savedUsd > 0 ? `, ${approx ? 'saves ~' : 'saved '}${usd(savedUsd)}` : '';
  return `, ${percent(cacheRead / input)} of input from cache${saved}`;
}

export function estimateLines(e: RunEstimate, cwd: string): string[] {
  const lines = e.perFile.map(
    (f) =>
      `  ${relative(cwd, f.file)}: ${f.conversations} conversations, ${f.requests} requests, ` +
      `${compact(f.inputTokens)} in / ${compact(f.outputTokens)} out tokens, ~${usd(f.costUsd)}` +
      (f.messageBatchRounds !== undefined ? ' as Message Batches (50 %)' : '') +
      cachePhrase(f.inputTokens, f.cacheReadInputTokens, f.cacheSavingsUsd, true),
  );
  if (e.valueRequests) {
    const v = e.valueRequests;
    lines.push(
      `  generated variable values: ${v.requests} request(s), ${compact(v.inputTokens)} in / ${compact(v.outputTokens)} out tokens, ~${usd(v.costUsd)}; ` +
        `worst case with ${v.worstCase.rounds - 1} top-up round(s): ${v.worstCase.requests} request(s), ${usd(v.worstCase.costUsd)} (counted in the estimate)`,
    );
  }
  lines.push(
    `Estimate: ${e.conversations} conversations, ${e.requests} requests, ~${usd(e.costUsd)}` +
      `${cachePhrase(e.inputTokens, e.cacheReadInputTokens, e.cacheSavingsUsd, true)}; ${e.explanation}`,
  );
  return lines;
}

export function summaryLines(s: RunSummary, cwd: string, simulated: boolean): string[] {
  const head =
    s.state === 'finished'
      ? 'Finished'
      : s.state === 'cancelled'
        ? 'Cancelled (run the same command again to resume)'
        : `Stopped: ${s.stopReason?.message ?? 'unknown reason'}`;
  const lines = [
    `${head}${simulated ? ' — DRY RUN against the built-in simulator' : ''}`,
    `  generated ${s.generated}, skipped ${s.skipped} (already done), failed ${s.failed}, remaining ${s.remaining} of ${s.total}`,
    ...(s.skippedFailed > 0
      ? [`  ${s.skippedFailed} conversation(s) failed in an earlier run and were not retried: add --retry-failed to retry them`]
      : []),
    `  ${requestsText(s)}, ${s.rateLimited} rate-limited, ${compact(allInput(s))} input / ${compact(s.outputTokens)} output tokens, ${usd(s.costUsd)}, ${duration(s.wallSeconds * 1000)}`,
    ...(s.cacheReadInputTokens > 0
      ? [
          `  prompt cache: ${compact(s.cacheReadInputTokens)} input tokens read (${percent(s.cacheReadInputTokens / allInput(s))} of input), ${compact(s.cacheCreationInputTokens)} written${cachePhrase(allInput(s), s.cacheReadInputTokens, s.cacheSavingsUsd).replace(/^, [^,]*/, '')}`,
        ]
      : []),
  ];
  // How far the estimate printed before the run was off: time, cost, and the ETA at a fifth of the work.
  if (s.estimateCheck) for (const l of estimateCheckLines(estimateCheckViewOf(s.estimateCheck), usd)) lines.push(`  ${l}`);

  const mb = s.messageBatches;
  if (mb) {
    const calls = mb.calls;
    const polls = (calls['retrieve'] ?? 0) + (calls['list'] ?? 0);
    const downloads = calls['results'] ?? 0;
    lines.push(
      `  Message Batches: ${mb.batches} (${usd(mb.costUsd)} at batch prices), ${calls['create'] ?? 0} created, ${polls} poll${polls === 1 ? '' : 's'}, ${downloads} download${downloads === 1 ? '' : 's'}` +
        (mb.processing > 0 ? `; ${mb.processing} still processing at Anthropic: run the same command again to collect them` : ''),
    );
  }
  for (const d of s.datasets) lines.push(`  ${d.batch}: ${relative(cwd, d.path)} (+${d.generated})`);
  return lines;
}

function allInput(s: RunSummary): number {
  return s.inputTokens + s.cacheCreationInputTokens + s.cacheReadInputTokens;
}

/** The estimate against the run, in the --json summary: money to 6 decimals, seconds to 3, as the rest of it. */
function estimateJson(c: NonNullable<RunSummary['estimateCheck']>): object {
  const v = estimateCheckViewOf(c);
  const [usd6, s3] = [(n: number) => Number(n.toFixed(6)), (n: number) => Number(n.toFixed(3))];
  return {
    ...v,
    estimatedSeconds: s3(v.estimatedSeconds),
    actualSeconds: s3(v.actualSeconds),
    estimatedUsd: usd6(v.estimatedUsd),
    actualUsd: usd6(v.actualUsd),
    etaAtFifth: v.etaAtFifth && { ...v.etaAtFifth, etaSeconds: s3(v.etaAtFifth.etaSeconds), actualSeconds: s3(v.etaAtFifth.actualSeconds) },
  };
}

/** The --json summary: one object, stable field names. */
export function summaryJson(s: RunSummary, simulated: boolean): object {
  return {
    state: s.state,
    simulated,
    generated: s.generated,
    skipped: s.skipped,
    failed: s.failed,
    skippedFailed: s.skippedFailed,
    remaining: s.remaining,
    total: s.total,
    requests: s.requests,
    rateLimited: s.rateLimited,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    cacheCreationInputTokens: s.cacheCreationInputTokens,
    cacheReadInputTokens: s.cacheReadInputTokens,
    cacheSavingsUsd: Number((s.cacheSavingsUsd ?? 0).toFixed(6)),
    costUsd: Number(s.costUsd.toFixed(6)),
    wallSeconds: Number(s.wallSeconds.toFixed(3)),
    ...(s.stopReason ? { stopReason: s.stopReason } : {}),
    ...(s.estimateCheck ? { estimate: estimateJson(s.estimateCheck) } : {}),
    datasets: s.datasets,
    ...(s.messageBatches ? { messageBatches: s.messageBatches } : {}),
  };
}
