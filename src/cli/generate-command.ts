import { existsSync } from 'node:fs';
import { systemClock } from '../core/clock';
import { processLoopLag } from '../core/loop-lag';
import { DuplicatePrep } from '../core/dataset/duplicate-prep';
import { markNewDuplicates } from '../core/dataset/mark-new-duplicates';
import { classify, redact } from '../core/errors';
import type { RunEstimate } from '../core/generate/estimate';
import type { GenerationRun } from '../core/generate/run/generation-run';
import { DEFAULT_OVERRUN_FRACTION, spendGate } from '../core/generate/run/spend-gate';
import { bindValues } from '../core/generate/values/ensure-values';
import { filesNeedingValues } from '../core/generate/values/generate-values';
import { assembleRun, estimateConversations, estimateFiles, messageBatchSpecs, type AssembledRun } from '../engine';
import { EXIT, UsageError, type CliArgs } from './args';
import { loadOrExplain, withCacheFlag, type CliIo } from './commands';
import { connect, settingsFrom } from './connect';
import { estimateLines, relative, summaryJson, summaryLines } from './format';
import { ProgressDisplay } from './progress';
import { valuesWrittenLines } from './values-lines';

export async function generateCommand(args: CliArgs, io: CliIo): Promise<number> {
  const loaded = await loadOrExplain(args, io);
  if (typeof loaded === 'number') return loaded;
  const settings = settingsFrom(args, io.env);
  const conn = await connect(args, io.env);
  // The marking after the run starts during it: each conversation is prepared as it is written.
  const prep = new DuplicatePrep(args.threshold);
  let assembled: AssembledRun | undefined;
  let display: ProgressDisplay | undefined;
  let interrupted = false;
  // Ctrl-C while generated variables get their values (before the run exists) aborts those requests.
  const valuesStop = new AbortController();
  io.onInterrupt(() => {
    if (assembled || valuesStop.signal.aborted) return;
    interrupted = true;
    valuesStop.abort();
    io.stderr.write('\nStopping: the values requests are aborted; nothing was written.\n');
  });
  try {
    const files = withCacheFlag(loaded.files, args);
    // Values still to generate are asked for before the run opens: the spend guard sees them (worst
    // case, top-ups included) with the conversations first, and asks once for the whole run.
    let confirmed = args.yes || conn.simulated;
    const bound = bindValues(files, conn.simulated);
    const valuesEstimated = filesNeedingValues(bound).length > 0;
    if (valuesEstimated) {
      const estimate = await estimateFiles({ files: bound, settings, isMessageBatch: messageBatchSpecs(bound, args.mode) });
      if (!args.quiet) io.stderr.write(estimateLines(estimate, io.cwd).join('\n') + '\n');
      const refused = await guardSpend(estimate, args, io, confirmed);
      if (refused !== undefined) return refused;
      confirmed = true;
    }
    assembled = await assembleRun({
      signal: valuesStop.signal,
      onValuesWritten: (o) => io.stderr.write(valuesWrittenLines(o, io.cwd).join('\n') + '\n'),
      files,
      settings,
      endpoint: conn.opened.endpoint,
      clock: systemClock,
      loopLag: () => processLoopLag().lagMs(),
      retryFailed: args.retryFailed,
      allowNewVersion: args.newVersion,
      ...(args.out !== undefined ? { outDir: args.out } : {}),
      onNotice: (m) => io.stderr.write(`convforge: ${m}\n`),
      ...(args.mode !== undefined ? { mode: args.mode } : {}),
      ...(args.pollSeconds !== undefined ? { messageBatchPollMs: args.pollSeconds * 1000 } : {}),
      duplicatePrep: prep,
    });
    const { run } = assembled;
    const active = run;
    io.onInterrupt(() => {
      if (interrupted) return;
      interrupted = true;
      io.stderr.write('\nStopping: no new requests; aborting those in flight and flushing the datasets…\n');
      if (active.listBatches().some((b) => b.mode === 'batch'))
        io.stderr.write(
          'Message Batches keep processing at Anthropic; run the same command again to collect them (convforge batches lists them).\n',
        );
      // Message Batches go on at Anthropic: their ids stay journaled and the next run collects them.
      active.cancel({ messageBatches: 'leave' });
    });
    // An even sample of what is left stands for all of it: a million conversations need not all be made to be estimated.
    const sample = run.estimateSample();
    const weights = new Map(sample.map((s) => [s.spec, s.weight]));
    const todo = [...weights.keys()];
    const skipped = run.listBatches().reduce((n, b) => n + b.skipped, 0);
    if (run.resumedMessageBatches > 0)
      io.stderr.write(
        `Resuming: ${run.resumedMessageBatches} Message Batch(es) from an earlier run still processing or not yet collected.\n`,
      );
    if (skipped > 0) io.stderr.write(`Resuming: ${skipped} conversation(s) already in the datasets are skipped.\n`);
    if (conn.simulated)
      io.stderr.write(`DRY RUN: built-in simulator at ${conn.simulator!.url}; datasets are written as *.simulated.jsonl\n`);
    if (args.limit !== undefined) io.stderr.write(`Trial: at most the first ${args.limit} conversation(s) of each prompt file.\n`);
    if (todo.length > 0 && !interrupted) {
      const estimate = await estimateConversations({
        specs: todo,
        settings,
        caller: assembled.counter,
        weightOf: (spec) => weights.get(spec) ?? 1,
        isMessageBatch: messageBatchSpecs(loaded.files, args.mode),
      });
      run.addEstimate(estimate);
      // With values to generate, the estimate (values included) was printed before they were asked for.
      if (!args.quiet && !valuesEstimated) io.stderr.write(estimateLines(estimate, io.cwd).at(-1)! + '\n');
      const refused = await guardSpend(estimate, args, io, confirmed);
      if (refused !== undefined) return refused;
      run.stopPastEstimate(args.overrun ?? DEFAULT_OVERRUN_FRACTION);
    }
    display = new ProgressDisplay(run, io.stderr, {
      quiet: args.quiet,
      simulated: conn.simulated,
      now: () => systemClock.now(),
      endpoint: conn.endpoint,
      cwd: io.cwd,
    });
    display.start();
    const summary = await run.start();
    display.dispose();
    display = undefined;
    // The run has closed its datasets: their journals can take the duplicate marks now.
    const duplicates =
      summary.generated > 0 && summary.state !== 'cancelled' && !interrupted
        ? await markRunDuplicates(run, io, args.quiet, prep)
        : undefined;
    if (args.json)
      io.stdout.write(
        JSON.stringify({
          ...summaryJson(summary, conn.simulated),
          ...(duplicates ? { duplicates: { found: duplicates.found, marked: duplicates.marked } } : {}),
        }) + '\n',
      );
    else io.stdout.write([...summaryLines(summary, io.cwd, conn.simulated), ...(duplicates?.lines ?? [])].join('\n') + '\n');
    if (summary.state === 'cancelled' || interrupted) return EXIT.interrupted;
    // Exit 0 only when the datasets are complete: earlier failures left unretried count too.
    return summary.state === 'finished' && summary.failed === 0 && summary.skippedFailed === 0 ? EXIT.ok : EXIT.someFailed;
  } catch (e) {
    const c = classify(e);
    if (e instanceof UsageError) throw e;
    io.stderr.write(`convforge: ${redact(c.message)}\n`);
    if (interrupted && c.kind === 'cancelled') return EXIT.interrupted;
    const usage: readonly string[] = ['output', 'invalid_request', 'prompt_changed', 'store_config'];
    return usage.includes(c.kind) ? EXIT.usage : EXIT.someFailed;
  } finally {
    display?.dispose();
    await assembled?.run.close();
    await assembled?.store.dispose();
    await conn.close();
  }
}

/** The spend guard on the terminal: undefined to go on, else the exit code of a run that was not started. */
async function guardSpend(estimate: RunEstimate, args: CliArgs, io: CliIo, confirmed: boolean): Promise<number | undefined> {
  const gate = spendGate({
    estimateUsd: estimate.costUsd,
    ...(args.budget !== undefined ? { budgetUsd: args.budget } : {}),
    ...(args.confirmAboveUsd !== undefined ? { confirmAboveUsd: args.confirmAboveUsd } : {}),
    confirmed,
    interactive: io.ask !== undefined,
    timeText: estimate.explanation,
  });
  if (gate.kind === 'refuse') {
    io.stderr.write(`${gate.message}\nNothing was sent. Add --yes to start it, --budget to cap it, or --limit N to try a few first.\n`);
    return EXIT.usage;
  }
  if (gate.kind === 'ask' && !(await io.ask!(`${gate.message}\nStart it? [y/N] `))) {
    io.stderr.write('Nothing was sent.\n');
    return EXIT.usage;
  }
  return undefined;
}

/** Near-duplicates across the run's datasets, marked in their journals; a failure here never fails the run. */
async function markRunDuplicates(
  run: GenerationRun,
  io: CliIo,
  quiet: boolean,
  prep: DuplicatePrep,
): Promise<{ found: number; marked: number; lines: string[] } | undefined> {
  const datasets = [...new Set(run.listBatches().map((b) => b.datasetPath))].filter((d) => existsSync(d));
  // The first time on a dataset it reads the whole of it (about a minute per 100,000 conversations on a
  // small machine) and leaves an index; after that only the new conversations.
  if (!quiet) io.stderr.write('Looking for near-duplicates across the datasets of the run…\n');
  try {
    // Incremental: only the run's new conversations are read, compared with each dataset's index.
    const { search, marked } = await markNewDuplicates(datasets, prep.threshold, undefined, [prep]);
    const lines =
      search.found.length === 0
        ? []
        : [
            `  duplicates: ${search.found.length} near-duplicate(s) at Jaccard ≥ ${search.threshold} across the run's datasets, ${marked} newly marked in the journal; ` +
              `\`convforge dedup ${datasets.map((d) => relative(io.cwd, d)).join(' ')} --drop\` (or --regenerate) removes them`,
          ];
    return { found: search.found.length, marked, lines };
  } catch (e) {
    io.stderr.write(`convforge: warning: duplicates were not marked: ${redact(classify(e).message)}\n`);
    return undefined;
  }
}
