import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findDuplicates, markDuplicates } from '../../src/core/dataset/duplicate-marks';
import { markNewDuplicates } from '../../src/core/dataset/mark-new-duplicates';
import { openDataset } from '../../src/core/generate/output/dataset-writer';
import { seeded } from '../../test/support/planted-duplicates';
import { formatTable } from '../table';

export interface AfterRunMarkingResult {
  existing: number;
  added: number;
  fullSeconds: number;
  incrementalSeconds: number;
  firstIndexSeconds: number;
  foundFull: number;
  foundIncremental: number;
}

/**
 * The marking after a run that adds `added` conversations to a journaled dataset of `existing`:
 * the whole-dataset pass (what every run did before, findDuplicates + markDuplicates) against the
 * incremental one (markNewDuplicates with the dataset's index), side by side in one process. The
 * index is made once first (that pass costs what a whole-dataset pass costs; it is printed too).
 * One planted copy in ten of the new conversations, so both have something to find.
 */
export async function runAfterRunMarking(log: (line: string) => void, existing = 200_000, added = 1_000): Promise<AfterRunMarkingResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-marking-bench-'));
  try {
    const file = path.join(dir, 'd.jsonl');
    const random = seeded(7);
    const vocab = Array.from({ length: 30_000 }, (_, i) => `w${i.toString(36)}`);
    const pick = () => vocab[Math.floor(random() * vocab.length)]!;
    const kept: string[][] = [];
    const record = (words: string[]) => ({
      messages: [
        { role: 'user', content: words.slice(0, 60).join(' ') },
        { role: 'assistant', content: words.slice(60).join(' ') },
      ],
    });
    const meta = (i: number) => ({
      id: `c${i}`,
      index: i,
      sourceFile: 'bench.forge.yaml',
      variables: {},
      model: 'claude-haiku-5-5',
      usage: { inputTokens: 10, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      costUsd: 0,
      attempts: 1,
      promptHash: 'h'.repeat(64),
      batch: 'bench',
    });
    const write = async (from: number, to: number, copies: boolean) => {
      const writer = await openDataset({ datasetPath: file, fsync: 'never' });
      for (let i = from; i < to; i++) {
        let words: string[];
        if (copies && i % 10 === 0) words = kept[Math.floor(random() * kept.length)]!.map((w) => (random() < 0.03 ? pick() : w));
        else words = Array.from({ length: 150 }, pick);
        if (kept.length < 5_000) kept.push(words);
        await writer.append(record(words), meta(i));
      }
      await writer.close();
    };
    await write(0, existing, false);
    const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
      const started = process.hrtime.bigint();
      const value = await fn();
      return [value, Number(process.hrtime.bigint() - started) / 1e9];
    };
    const [, firstIndexSeconds] = await timed(() => markNewDuplicates([file]));
    await write(existing, existing + added, true);
    const [full, fullSeconds] = await timed(async () => {
      const search = await findDuplicates([file]);
      await markDuplicates(search);
      return search;
    });
    const [incremental, incrementalSeconds] = await timed(() => markNewDuplicates([file]));
    const result: AfterRunMarkingResult = {
      existing,
      added,
      fullSeconds,
      incrementalSeconds,
      firstIndexSeconds,
      foundFull: full.found.length,
      foundIncremental: incremental.search.found.length,
    };
    log(
      `After-run duplicate marking: a run adding ${added.toLocaleString('en-US')} conversations to a dataset of ${existing.toLocaleString('en-US')}:`,
    );
    log(
      formatTable(
        ['whole-dataset pass (before)', 'incremental (index)', 'ratio', 'found before / now', 'first pass, building the index'],
        [
          [
            `${fullSeconds.toFixed(1)} s`,
            `${incrementalSeconds.toFixed(2)} s`,
            `${(fullSeconds / incrementalSeconds).toFixed(0)}×`,
            `${result.foundFull} / ${result.foundIncremental}`,
            `${firstIndexSeconds.toFixed(1)} s`,
          ],
        ],
      ),
    );
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
