import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jaccard, shingleSet } from '../../src/core/dataset/shingles';
import { seeded } from '../../test/support/planted-duplicates';
import { formatTable } from '../table';

export interface DedupResult {
  conversations: number;
  planted: number;
  precision: number;
  recall: number;
  perSecond: number;
  maxRssMb: number;
}

/**
 * A synthetic dataset of `n` conversations (about 150 words each, over a 30,000-word vocabulary),
 * in which every 10th conversation is a copy of an earlier one with 0–20 % of its words replaced:
 * planted near-duplicates on both sides of the threshold. Truth is each planted pair's real Jaccard.
 */
function writeCorpus(file: string, n: number): Map<number, { of: number; similarity: number }> {
  const random = seeded(42);
  const vocab = Array.from({ length: 30_000 }, (_, i) => `w${i.toString(36)}`);
  const pick = () => vocab[Math.floor(random() * vocab.length)]!;
  const texts: string[][] = [];
  const truth = new Map<number, { of: number; similarity: number }>();
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    let words: string[];
    if (i % 10 === 9) {
      const of = Math.floor(random() * i);
      const base = texts[of]!;
      const share = random() * 0.2;
      words = base.map((w) => (random() < share ? pick() : w));
      truth.set(i, { of, similarity: jaccard(shingleSet(base.join(' ')), shingleSet(words.join(' '))) });
    } else words = Array.from({ length: 150 }, pick);
    texts.push(words);
    const half = 60;
    lines.push(
      JSON.stringify({
        messages: [
          { role: 'user', content: words.slice(0, half).join(' ') },
          { role: 'assistant', content: words.slice(half).join(' ') },
        ],
      }),
    );
    if (lines.length === 10_000) {
      writeFileSync(file, lines.join('\n') + '\n', { flag: 'a' });
      lines.length = 0;
    }
  }
  if (lines.length) writeFileSync(file, lines.join('\n') + '\n', { flag: 'a' });
  // The copies' texts are only needed for truth; they are dropped with `texts`.
  return truth;
}

export async function runDataset(log: (line: string) => void, sizes = [20_000, 200_000]): Promise<DedupResult[]> {
  const results: DedupResult[] = [];
  for (const n of sizes) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-dedup-bench-'));
    try {
      const file = path.join(dir, 'd.jsonl');
      const truth = writeCorpus(file, n);
      const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'dedup-child.ts'), file, '0.8'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      const run = JSON.parse(out) as { conversations: number; seconds: number; maxRssMb: number; found: [number, number][] };
      // Lines are 1-based; conversation i is line i + 1. A copy of a copy may name the original: both count as right.
      const found = new Map(run.found.map(([a, b]) => [b - 1, a - 1]));
      const positives = [...truth].filter(([, t]) => t.similarity >= 0.8);
      const hits = positives.filter(([i]) => found.has(i)).length;
      const correct = [...found.keys()].filter((i) => (truth.get(i)?.similarity ?? 0) >= 0.8).length;
      results.push({
        conversations: run.conversations,
        planted: positives.length,
        precision: found.size ? correct / found.size : 1,
        recall: positives.length ? hits / positives.length : 1,
        perSecond: run.conversations / run.seconds,
        maxRssMb: run.maxRssMb,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  log('Near-duplicate detection (MinHash 128 + LSH, confirmed by Jaccard ≥ 0.8), planted copies with 0–20 % of words replaced:');
  log(
    formatTable(
      ['conversations', 'planted ≥ 0.8', 'precision', 'recall', 'conversations/s', 'peak RSS MB'],
      results.map((r) => [
        String(r.conversations),
        String(r.planted),
        r.precision.toFixed(3),
        r.recall.toFixed(3),
        r.perSecond.toFixed(0),
        r.maxRssMb.toFixed(0),
      ]),
    ),
  );
  return results;
}
