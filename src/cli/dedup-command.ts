import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { dropDuplicates, findDuplicates, markDuplicates, type DuplicateSearch } from '../core/dataset/duplicate-marks';
import { DEFAULT_DUPLICATE_THRESHOLD } from '../core/dataset/near-duplicates';
import { datasetPathFor } from '../core/generate/run/dataset-path';
import { EXIT, UsageError, type CliArgs } from './args';
import type { CliIo } from './commands';
import { generateCommand } from './generate-command';
import { datasetPaths } from './dataset-commands';
import { relative } from './format';
import { loadPromptFiles } from './load';

const SHOWN = 20;

export function duplicateLines(search: DuplicateSearch, marked: number, cwd: string): string[] {
  const exact = search.found.filter((f) => f.exact).length;
  return [
    `Scanned ${search.conversations} conversation(s): ${search.found.length} duplicate(s) at Jaccard ≥ ${search.threshold} (${exact} exact); ${marked} newly marked in the journal`,
    ...search.found
      .slice(0, SHOWN)
      .map(
        (f) =>
          `  ${relative(cwd, f.dataset)}:${f.line} ${f.id} duplicates ${f.of}${f.ofDataset === f.dataset ? '' : ` (${relative(cwd, f.ofDataset)})`} — ${f.exact ? 'exact' : `Jaccard ${f.similarity.toFixed(2)}`}`,
      ),
    ...(search.found.length > SHOWN ? [`  … and ${search.found.length - SHOWN} more (--json lists them all)`] : []),
    ...(search.unjournaled > 0
      ? [`  ${search.unjournaled} more in lines without a journal record: not marked (export leaves them out)`]
      : []),
  ];
}

/**
 * `convforge dedup`: find near-duplicates across the datasets and mark them in their journals;
 * `--drop` removes them, `--regenerate` removes them and runs their prompt files again, where each
 * gets a regeneration round recorded in the journal (a request never sent before).
 */
export async function dedupCommand(args: CliArgs, io: CliIo): Promise<number> {
  const datasets = await datasetPaths(args, io, { dryRuns: false });
  const search = await findDuplicates(datasets, args.threshold ?? DEFAULT_DUPLICATE_THRESHOLD);
  const promptFiles = args.dedupAction === 'regenerate' ? await regenerationSources(search, args, io) : [];
  const { marked } = await markDuplicates(search);
  const out = args.json ? io.stderr : io.stdout;
  out.write(duplicateLines(search, marked, io.cwd).join('\n') + '\n');
  if (!args.dedupAction || search.found.length === 0) {
    if (args.json) io.stdout.write(JSON.stringify({ ...searchJson(search), marked, dropped: [] }) + '\n');
    else if (search.found.length > 0)
      io.stdout.write('Add --drop to remove them, or --regenerate to make them again with a new variation.\n');
    return EXIT.ok;
  }
  const dropped = await dropDuplicates(search, args.dedupAction === 'regenerate');
  for (const d of dropped) {
    out.write(`Dropped ${d.result.dropped} from ${relative(io.cwd, d.dataset)} (${d.result.kept} kept; journal offsets rebuilt)\n`);
  }
  if (args.dedupAction === 'drop') {
    if (args.json)
      io.stdout.write(
        JSON.stringify({ ...searchJson(search), marked, dropped: dropped.map((d) => ({ dataset: d.dataset, ...d.result })) }) + '\n',
      );
    return EXIT.ok;
  }
  out.write(`Regenerating ${search.found.length} conversation(s) from ${promptFiles.map((f) => relative(io.cwd, f)).join(', ')}\n`);
  return generateCommand({ ...args, command: 'generate', inputs: promptFiles }, io);
}

function searchJson(search: DuplicateSearch) {
  return {
    threshold: search.threshold,
    conversations: search.conversations,
    unjournaled: search.unjournaled,
    duplicates: search.found.map(({ meta: _meta, ...f }) => f),
  };
}

/**
 * The prompt files that made the duplicates, checked before anything is dropped: each must still
 * exist, parse, and write the very dataset being deduplicated (same version, same --simulate).
 */
async function regenerationSources(search: DuplicateSearch, args: CliArgs, io: CliIo): Promise<string[]> {
  const sources = [...new Set(search.found.map((f) => f.meta.sourceFile))];
  for (const s of sources) if (!existsSync(s)) throw new UsageError(`cannot regenerate: the prompt file ${relative(io.cwd, s)} is gone`);
  const loaded = await loadPromptFiles(sources, io.cwd, args.simulate);
  if (!loaded.ok)
    throw new UsageError(
      `cannot regenerate: ${sources.map((s) => relative(io.cwd, s)).join(', ')} did not validate (run convforge validate)`,
    );
  for (const f of search.found) {
    const file = loaded.files.find((p) => p.path === f.meta.sourceFile);
    const writes =
      file &&
      datasetPathFor(file, { simulated: args.simulate, ...(args.out !== undefined ? { outDir: path.resolve(io.cwd, args.out) } : {}) });
    if (!file || path.resolve(writes!) !== path.resolve(f.dataset)) {
      throw new UsageError(
        `cannot regenerate ${f.id}: ${relative(io.cwd, f.meta.sourceFile)} writes ${writes ? relative(io.cwd, writes) : 'another dataset'}, not ${relative(io.cwd, f.dataset)}${args.simulate ? '' : ' (a dry run’s dataset needs --simulate)'}`,
      );
    }
    if (f.meta.promptHash === undefined) {
      throw new UsageError(
        `cannot regenerate ${f.id}: its record predates prompt versions, so a new request cannot be recorded for it; --drop removes it instead`,
      );
    }
    if (f.meta.promptHash !== file.promptHash) {
      throw new UsageError(
        `cannot regenerate ${f.id}: ${relative(io.cwd, file.path)} was edited since it was made (another version); --drop removes it instead`,
      );
    }
  }
  return sources;
}
