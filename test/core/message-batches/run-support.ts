import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { systemClock } from '../../../src/core/clock';
import { loadPromptFile } from '../../../src/core/generate/prompt-file';
import { GenerationRun, type GenerationRunOptions } from '../../../src/core/generate/run/generation-run';
import type { PromptFile } from '../../../src/core/generate/types';
import { modelLookup } from '../../../src/engine';
import { FakeCaller } from '../../support/fake-caller';
import { FakeLimiter } from '../../support/fake-limiter';
import { type FakeMessageBatchApi } from '../../support/fake-message-batch-api';

/** A batch-mode prompt file of `count` conversations in `dir` (default: a fresh folder). */
export function batchFile(
  count: number,
  extra = '',
  strategy: 'single' | 'turns' = 'single',
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-mb-run-')),
): Promise<{ dir: string; file: PromptFile }> {
  return promptFileIn(dir, { name: 'kb', mode: 'batch', count, extra, strategy });
}

export async function promptFileIn(
  dir: string,
  o: { name: string; mode: 'online' | 'batch'; count: number; extra?: string; strategy?: 'single' | 'turns' },
): Promise<{ dir: string; file: PromptFile }> {
  const file = path.join(dir, `${o.name}.forge.yaml`);
  fs.writeFileSync(
    file,
    `name: ${o.name}\nmodel: claude-haiku-5-5\ncount: ${o.count}\nturns: 2\nstrategy: ${o.strategy ?? 'single'}\nmode: ${o.mode}\n${o.extra ?? ''}prompt: Write a short exchange about {{topic}}.\nvariables:\n  topic: [tides, kites]\noutput:\n  path: out/${o.name}.jsonl\n`,
  );
  const parsed = await loadPromptFile(file, { workspaceRoot: dir, ...modelLookup() });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
  return { dir, file: parsed.file };
}

/** A run of batch-mode files on the real clock against `api` (fast polls), online caller unused. */
export function openBatchRun(
  files: PromptFile[],
  api: FakeMessageBatchApi,
  extra: Partial<GenerationRunOptions> = {},
): Promise<GenerationRun> {
  return GenerationRun.open(files, {
    clock: systemClock,
    caller: new FakeCaller(),
    limiter: new FakeLimiter(systemClock),
    messageBatches: { api, poll: { initialMs: 10, maxMs: 30, factor: 1.5 }, rpm: 100_000, recoverDelayMs: 10 },
    ...extra,
  });
}

export const jsonLines = <T>(file: string): T[] =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T)
    : [];
