import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RecordMeta } from '../../../../src/core/generate/output/types';

/** A fresh temp directory per test; `cleanup` removes it. */
export function tempDir(): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-output-'));
  return { dir, file: (name) => path.join(dir, name), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function metaFor(id: string, index = 0): RecordMeta {
  return {
    id,
    index,
    sourceFile: 'examples/support.forge.yaml',
    variables: { topic: 'refunds' },
    model: 'claude-haiku-5-5',
    usage: { inputTokens: 10, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    costUsd: 0.0001,
    attempts: 1,
  };
}

export function recordFor(id: string): object {
  return {
    messages: [
      { role: 'user', content: `hello ${id}` },
      { role: 'assistant', content: `hi\n${id}` },
    ],
  };
}

export function lines(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}
