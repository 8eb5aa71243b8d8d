import * as path from 'node:path';
import { buildReport, type DatasetReport } from '../core/dataset/dataset-report';
import { exportDatasets, ExportRefused } from '../core/dataset/export-datasets';
import type { Histogram } from '../core/dataset/histogram';
import { datasetFiles } from '../core/generate/output';
import { reportTargets, type TargetOptions } from '../engine';
import { EXIT, UsageError, type CliArgs } from './args';
import type { CliIo } from './commands';
import { relative, usd } from './format';

/**
 * The datasets `report`, `export` and `dedup` work on: datasets, folders (every dataset under them)
 * and prompt files (the datasets they write), as VS Code takes them, so a run's datasets are
 * named the same way to every command. `export` and `dedup` leave out the dry runs a folder or
 * prompt file brings (simulator filler must not reach training data or mark real conversations).
 */
export async function datasetPaths(args: CliArgs, io: CliIo, options: TargetOptions): Promise<string[]> {
  const { datasets, problems } = await reportTargets(args.inputs, io.cwd, options);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return datasets;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function histogramLines(title: string, h: ReturnType<Histogram['toJSON']>): string[] {
  const peak = Math.max(1, ...h.buckets.map((b) => b.count));
  return [
    `${title}: mean ${h.mean.toFixed(1)}, min ${h.min}, max ${h.max}`,
    ...h.buckets
      .filter((b) => b.count > 0)
      .map((b) => `  ${b.label.padStart(9)} ${'#'.repeat(Math.max(1, Math.round((b.count / peak) * 30))).padEnd(30)} ${b.count}`),
  ];
}

export function reportLines(r: DatasetReport, cwd: string): string[] {
  const lines = [
    `Quality report: ${r.datasets.map((d) => relative(cwd, d)).join(', ')}`,
    `  conversations ${r.conversations}${r.broken.count ? `, broken lines ${r.broken.count} (skipped)` : ''}${r.journal ? '' : ' — no journal: batches, variables and cost unknown'}`,
  ];
  for (const b of r.broken.first) lines.push(`  ${relative(cwd, b.dataset)}:${b.line}: ${b.problem}`);
  if (r.journal) {
    lines.push('', 'By batch:', ...Object.entries(r.byBatch).map(([k, n]) => `  ${k.padEnd(24)} ${n}`));
    for (const [name, values] of Object.entries(r.byVariable)) {
      lines.push(
        `Variable ${name}:`,
        ...Object.entries(values)
          .sort((a, b) => b[1] - a[1])
          .map(([v, n]) => `  ${v.slice(0, 40).padEnd(40)} ${n}`),
      );
    }
  }
  lines.push(
    '',
    ...histogramLines('Messages per conversation', r.messagesPerConversation),
    ...histogramLines('Tokens per user message (≈4 chars/token)', r.tokensPerMessage.user),
    ...histogramLines('Tokens per assistant message', r.tokensPerMessage.assistant),
    '',
    `Diversity: distinct-1 / distinct-2  user ${r.distinct.user.distinct1.toFixed(3)} / ${r.distinct.user.distinct2.toFixed(3)}   assistant ${r.distinct.assistant.distinct1.toFixed(3)} / ${r.distinct.assistant.distinct2.toFixed(3)}`,
    `Duplicates (Jaccard ≥ ${r.duplicates.threshold}): ${r.duplicates.exact} exact, ${r.duplicates.near} near — ${pct(r.duplicates.rate)}; ${r.duplicates.marked} marked in the journal`,
    `Refusals ${pct(r.refusalRate)}   meta-commentary ${pct(r.metaCommentaryRate)}`,
    `Validation failures: ${r.failures.total}${
      r.failures.total
        ? ` (${Object.entries(r.failures.byKind)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')})`
        : ''
    }`,
    ...rejectedTextLines(r, cwd),
  );
  if (r.journal) lines.push(`Cost: ${usd(r.cost.totalUsd)} in all, ${usd(r.cost.perConversationUsd)} per conversation`);
  if (r.perDataset.length > 1) lines.push('', ...perDatasetLines(r, cwd));
  return lines;
}

/**
 * Where the text of the conversations that failed validation is: the failures files themselves
 * (JSONL, one line per failure, `rejected` holding the last attempt's messages). The report's JSON
 * stays figures only: thousands of rejected texts would bury them, and the files are the list.
 */
function rejectedTextLines(r: DatasetReport, cwd: string): string[] {
  if (!r.failures.byKind['invalid_output']) return [];
  const files = r.perDataset.filter((f) => f.failures > 0).map((f) => relative(cwd, datasetFiles(f.dataset).failed));
  return [`  rejected text kept in ${files.join(', ')} (the viewer's Failed validation filter shows it)`];
}

/** A report over several datasets: each one's headline figures, and their total (the report above). */
function perDatasetLines(r: DatasetReport, cwd: string): string[] {
  const rows = [
    ...r.perDataset.map((f) => ({ name: relative(cwd, f.dataset), ...f })),
    {
      name: 'total',
      conversations: r.conversations,
      broken: r.broken.count,
      duplicates: r.duplicates,
      refusalRate: r.refusalRate,
      failures: r.failures.total,
      cost: r.cost,
    },
  ];
  const width = Math.max(7, ...rows.map((x) => x.name.length));
  const head = `${'dataset'.padEnd(width)}  conversations  broken  duplicates  marked  refusals  failed  cost/conversation`;
  return [
    'By dataset:',
    `  ${head}`,
    ...rows.map(
      (x) =>
        `  ${x.name.padEnd(width)}  ${String(x.conversations).padStart(13)}  ${String(x.broken).padStart(6)}  ${pct(x.duplicates.rate).padStart(10)}  ${String(x.duplicates.marked).padStart(6)}  ${pct(x.refusalRate).padStart(8)}  ${String(x.failures).padStart(6)}  ${(x.cost.conversationsWithCost ? usd(x.cost.perConversationUsd) : '—').padStart(17)}`,
    ),
  ];
}

export async function reportCommand(args: CliArgs, io: CliIo): Promise<number> {
  const datasets = await datasetPaths(args, io, { dryRuns: true });
  const report = await buildReport(datasets, args.threshold !== undefined ? { threshold: args.threshold } : {});
  io.stdout.write(args.json ? JSON.stringify(report) + '\n' : reportLines(report, io.cwd).join('\n') + '\n');
  return EXIT.ok;
}

export async function exportCommand(args: CliArgs, io: CliIo): Promise<number> {
  const datasets = await datasetPaths(args, io, { dryRuns: false });
  try {
    const summary = await exportDatasets(datasets, {
      format: args.format ?? 'hf',
      outDir: path.resolve(io.cwd, args.out!),
      validation: args.validation ?? 0,
      includeDuplicates: args.includeDuplicates,
      includeFlagged: args.includeFlagged,
      force: args.force,
      ...(args.threshold !== undefined ? { threshold: args.threshold } : {}),
    });
    if (args.json) io.stdout.write(JSON.stringify(summary) + '\n');
    else {
      const s = summary.skipped;
      io.stdout.write(
        [
          `Exported ${summary.train} train / ${summary.validation} validation conversation(s) as ${args.format ?? 'hf'}:`,
          ...summary.files.map((f) => `  ${relative(io.cwd, f)}`),
          `Left out: ${s.duplicates} duplicate(s), ${s.flagged} flagged, ${s.broken} broken line(s), ${s.incompatible} not valid in this format`,
          ...summary.problems.map((p) => `  ${relative(io.cwd, p.dataset)}:${p.line}: ${p.problem}`),
        ].join('\n') + '\n',
      );
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ExportRefused) throw new UsageError(e.message);
    throw e;
  }
}
