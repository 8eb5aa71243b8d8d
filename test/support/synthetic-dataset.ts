import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { seeded } from './planted-duplicates';

export interface SyntheticOptions {
  lines: number;
  /** Write `x.meta.jsonl` beside it (Forge's journal); off = a dataset that is not Forge's. */
  journal?: boolean;
  /** Every this many lines one broken line (not JSON). 0 = none. */
  brokenEvery?: number;
  /** Every this many lines a refusal in the assistant's reply. 0 = none. */
  refusalEvery?: number;
  /** Every this many lines an exact copy of the line before. 0 = none. */
  duplicateEvery?: number;
  /** Words per message (default 40: ~1 KB a line with 4 turns). */
  words?: number;
  seed?: number;
}

export interface SyntheticDataset {
  lines: number;
  bytes: number;
  broken: number[];
  refusals: number[];
  duplicates: number[];
}

const BATCHES = ['support', 'sales', 'billing'];
const TONES = ['calm', 'angry', 'curious', 'rushed'];

/**
 * A dataset of `lines` conversations in the openai format (line n says `conversation n`), written
 * streaming so 200,000 lines (~250 MB at 40 words) never sit in memory. Deterministic per seed.
 */
export async function writeSyntheticDataset(file: string, options: SyntheticOptions): Promise<SyntheticDataset> {
  const random = seeded(options.seed ?? 11);
  const words = options.words ?? 40;
  const vocab = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
  const text = () => Array.from({ length: words }, () => vocab[Math.floor(random() * vocab.length)]).join(' ');
  const out = createWriteStream(file);
  const journal = options.journal ? createWriteStream(file.replace(/\.jsonl$/, '.meta.jsonl')) : undefined;
  const result: SyntheticDataset = { lines: options.lines, bytes: 0, broken: [], refusals: [], duplicates: [] };
  let previous = '';
  for (let line = 1; line <= options.lines; line++) {
    let row: string;
    const turns = 2 + 2 * (line % 3);
    if (options.brokenEvery && line % options.brokenEvery === 0) {
      row = `{"messages": [broken line ${line}`;
      result.broken.push(line);
    } else if (options.duplicateEvery && line % options.duplicateEvery === 0 && previous) {
      row = previous;
      result.duplicates.push(line);
    } else {
      const refusal = options.refusalEvery !== undefined && options.refusalEvery > 0 && line % options.refusalEvery === 0;
      if (refusal) result.refusals.push(line);
      const messages = [{ role: 'system', content: 'You are a helpful support agent.' }];
      for (let t = 0; t < turns; t++) {
        const user = t % 2 === 0;
        const content =
          t === 0 ? `conversation ${line}: ${text()}` : refusal && !user ? `I'm sorry, but I can't help with that. ${text()}` : text();
        messages.push({ role: user ? 'user' : 'assistant', content });
      }
      row = JSON.stringify({ messages });
      previous = row;
    }
    const bytes = Buffer.byteLength(row) + 1;
    if (journal && !result.broken.includes(line)) {
      const entry = {
        id: `c${line}`,
        index: line - 1,
        sourceFile: 'synthetic.forge.yaml',
        variables: { tone: TONES[line % TONES.length]! },
        model: 'claude-haiku-5-5',
        usage: { inputTokens: 100, outputTokens: 200, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
        costUsd: 0.001,
        attempts: 1,
        batch: BATCHES[line % BATCHES.length]!,
        offset: result.bytes,
        length: bytes,
        time: '2026-01-01T00:00:00.000Z',
      };
      if (!journal.write(`${JSON.stringify(entry)}\n`)) await once(journal, 'drain');
    }
    result.bytes += bytes;
    if (!out.write(`${row}\n`)) await once(out, 'drain');
  }
  await Promise.all([new Promise((r) => out.end(r)), journal ? new Promise((r) => journal.end(r)) : undefined]);
  return result;
}

export const syntheticBatchOf = (line: number): string => BATCHES[line % BATCHES.length]!;
export const syntheticToneOf = (line: number): string => TONES[line % TONES.length]!;
