import { readdir, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { validatePromptFiles } from '../core/generate/prompt-file';
import { workspaceRootOf } from '../core/generate/prompt-file/workspace-root';
import { datasetPathFor } from '../core/generate/run/dataset-path';
import { valuesReader } from '../core/generate/values/values-reader';
import { modelLookup } from './assemble';

export interface ReportTargets {
  /** Absolute dataset paths, each once, in the order given (a folder's sorted). */
  datasets: string[];
  /** Inputs that name no dataset, with why: usage errors. */
  problems: string[];
}

export interface TargetOptions {
  /**
   * Whether a folder or a prompt file brings its dry runs' datasets (`x.simulated.jsonl`): a
   * report shows them, an export must not mix simulator filler into training data unless the
   * user names such a file.
   */
  dryRuns: boolean;
}

const DRY_RUN = /\.simulated\.jsonl$/;

/** Forge's own files beside a dataset, and a rewrite's temporaries: never datasets. */
const NOT_A_DATASET = /\.(meta|failed)\.jsonl$|\.rewrite-new$/;
const SKIPPED_FOLDERS = new Set(['node_modules']);

/** Every dataset under `dir` (its folders too, but not node_modules or hidden ones), sorted. */
async function datasetsUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.') && !SKIPPED_FOLDERS.has(e.name)) out.push(...(await datasetsUnder(full)));
    } else if (e.isFile() && e.name.endsWith('.jsonl') && !NOT_A_DATASET.test(e.name)) out.push(full);
  }
  return out;
}

/** The datasets a prompt file writes that exist: the real one and a dry run's. */
async function datasetsOfPromptFile(file: string): Promise<{ datasets: string[]; problem?: string }> {
  const text = await readFile(file, 'utf8');
  const result = validatePromptFiles([{ path: file, text }], {
    workspaceRoot: (f) => workspaceRootOf(f),
    readValues: valuesReader(false),
    ...modelLookup(),
  });
  const parsed = result.files[0];
  if (!parsed) {
    const first = result.diagnostics.find((d) => d.severity === 'error');
    return { datasets: [], problem: `cannot read its output path${first ? `: line ${first.line}: ${first.message}` : ''}` };
  }
  const datasets = [false, true].map((simulated) => datasetPathFor(parsed, { simulated })).filter((d) => existsSync(d));
  return datasets.length ? { datasets } : { datasets: [], problem: 'it has written no dataset yet (generate it first)' };
}

/**
 * What `convforge report` and VS Code's Show Dataset Report take: datasets (`*.jsonl`), folders (every
 * dataset under them) and prompt files (the datasets they write), so a run's datasets are reported
 * together however they are named.
 */
export async function reportTargets(
  inputs: readonly string[],
  cwd: string,
  options: TargetOptions = { dryRuns: true },
): Promise<ReportTargets> {
  const seen = new Set<string>();
  const targets: ReportTargets = { datasets: [], problems: [] };
  const add = (d: string) => {
    if (!seen.has(d)) {
      seen.add(d);
      targets.datasets.push(d);
    }
  };
  /** Adds what a folder or a prompt file brought; false when all of it was left out as dry runs. */
  const addFound = (found: readonly string[]): boolean => {
    const kept = options.dryRuns ? found : found.filter((d) => !DRY_RUN.test(d));
    kept.forEach(add);
    return kept.length > 0 || found.length === 0;
  };
  const dryRunsOnly = (input: string) =>
    `${input}: only dry-run datasets (*.simulated.jsonl), which are simulator filler; name one to use it anyway`;
  for (const input of inputs) {
    const full = path.resolve(cwd, input);
    const info = await stat(full).catch(() => undefined);
    if (!info) {
      targets.problems.push(`${input}: no such file or folder`);
    } else if (info.isDirectory()) {
      const found = await datasetsUnder(full);
      if (found.length === 0) targets.problems.push(`${input}: no dataset (*.jsonl) in this folder`);
      else if (!addFound(found)) targets.problems.push(dryRunsOnly(input));
    } else if (/\.forge\.ya?ml$/.test(full)) {
      const { datasets, problem } = await datasetsOfPromptFile(full);
      if (problem) targets.problems.push(`${input}: ${problem}`);
      else if (!addFound(datasets)) targets.problems.push(dryRunsOnly(input));
    } else if (NOT_A_DATASET.test(full)) {
      targets.problems.push(`${input}: a journal or failure log, not a dataset: name the dataset beside it`);
    } else add(full);
  }
  return targets;
}
