import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadPromptFile, nameSlug } from '../../src/core/generate/prompt-file';
import { datasetFiles } from '../../src/core/generate/output/paths';
import { fmt } from '../table';
import { runMeasured } from './processes';
import { writePromptFile } from './prompt';

export interface ResumeResult {
  readonly conversations: number;
  readonly journaled: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
  readonly resumeLine: boolean;
  readonly code: number | null;
}

/**
 * Plan and resume only: a prompt file of N conversations whose dataset already holds the first
 * half (a real journal and dataset, written here), run with a budget too small for one request,
 * so the CLI opens and checks the dataset, plans the other half, estimates, and stops before
 * sending a generation request. Wall time and peak RSS of the CLI process.
 */
export async function runResume(conversations: number, log: (line: string) => void): Promise<ResumeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'forge-resume-'));
  try {
    const file = writePromptFile(dir, 'resume', conversations);
    const loaded = await loadPromptFile(file, { workspaceRoot: dir, knownModel: () => true });
    if (!loaded.ok) throw new Error(`Expected the bench prompt file to load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
    const journaled = Math.floor(conversations / 2);
    log(`  ${fmt(conversations)} conversations, ${fmt(journaled)} already journaled …`);
    writeHalfDone(join(dir, 'out', 'resume.simulated.jsonl'), loaded.file.name, loaded.file.promptHash, loaded.file.path, journaled);
    const run = await runMeasured(
      ['dist/cli.js', 'generate', file, '--simulate', '--budget', '0.0000001', '-q', '--out', join(dir, 'out')],
      {},
      600_000,
    );
    return {
      conversations,
      journaled,
      wallSeconds: run.wallMs / 1000,
      cpuSeconds: run.cpuMs / 1000,
      maxRssMb: run.maxRssMb,
      resumeLine: run.stderr.includes(`Resuming: ${journaled}`),
      code: run.code,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function writeHalfDone(datasetPath: string, batch: string, promptHash: string, sourceFile: string, n: number): void {
  const files = datasetFiles(datasetPath);
  mkdirSync(dirname(datasetPath), { recursive: true });
  const data = openSync(files.dataset, 'w');
  const journal = openSync(files.journal, 'w');
  const slug = nameSlug(batch);
  const record = Buffer.from(
    `${JSON.stringify({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ],
    })}\n`,
  );
  const usage = { inputTokens: 20, outputTokens: 30, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
  let offset = 0;
  let dataChunk: Buffer[] = [];
  let journalChunk: string[] = [];
  const flush = () => {
    writeSync(data, Buffer.concat(dataChunk));
    writeSync(journal, journalChunk.join(''));
    dataChunk = [];
    journalChunk = [];
  };
  for (let index = 0; index < n; index++) {
    const id = `${slug}-${createHash('sha256').update(`${promptHash}:${index}`).digest('hex').slice(0, 12)}`;
    const entry = {
      id,
      index,
      sourceFile,
      variables: { topic: 'tea' },
      model: 'claude-haiku-5-5',
      usage,
      costUsd: 0.0001,
      attempts: 1,
      batch,
      promptHash,
      offset,
      length: record.length,
      time: '2026-01-01T00:00:00.000Z',
    };
    dataChunk.push(record);
    journalChunk.push(`${JSON.stringify(entry)}\n`);
    offset += record.length;
    if (dataChunk.length >= 10_000) flush();
  }
  flush();
  closeSync(data);
  closeSync(journal);
}
