import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { systemClock } from '../../../../src/core/clock';
import { loadPromptFile } from '../../../../src/core/generate/prompt-file';
import { modelLookup } from '../../../../src/core/generate/run/assemble';
import { GenerationRun } from '../../../../src/core/generate/run/generation-run';
import type { RunSummary } from '../../../../src/core/generate/run/run-types';
import type { PromptFile } from '../../../../src/core/generate/types';
import { FakeCaller } from '../../../support/fake-caller';
import { FakeLimiter } from '../../../support/fake-limiter';

const FILE = (name: string, count: number) => `name: ${name}
model: claude-haiku-5-5
count: ${count}
turns: 2
strategy: single
prompt: Write a short exchange about tides.
output:
  path: out/${name}.jsonl
`;

async function promptFile(dir: string, name: string, count: number): Promise<PromptFile> {
  const file = path.join(dir, `${name}.forge.yaml`);
  fs.writeFileSync(file, FILE(name, count));
  const parsed = await loadPromptFile(file, { workspaceRoot: dir, ...modelLookup() });
  if (!parsed.ok) throw new Error(`test prompt file does not parse: ${JSON.stringify(parsed.diagnostics)}`);
  return parsed.file;
}

function finished(run: GenerationRun): Promise<RunSummary> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`run did not finish within 10 s (state ${run.state})`)), 10_000);
    run.on('finished', ({ summary }) => {
      clearTimeout(timer);
      resolve(summary);
    });
  });
}

describe('GenerationRun lifecycle', () => {
  let dir: string;
  let unhandled: unknown[];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convforge-run-'));
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('cancel() on a run that was never started finishes it as cancelled, with nothing sent', async () => {
    const caller = new FakeCaller();
    const run = await GenerationRun.open([await promptFile(dir, 'tides', 3)], {
      clock: systemClock,
      caller,
      limiter: new FakeLimiter(systemClock),
    });
    const done = finished(run);
    run.cancel();
    const summary = await done;
    assert.equal(summary.state, 'cancelled');
    assert.equal(run.state, 'cancelled');
    assert.equal(summary.remaining, 3);
    assert.equal(caller.requests.length, 0);
    // start() after the cancel answers with the same summary instead of throwing.
    assert.deepEqual(await run.start(), summary);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
    await run.close();
  });
});
