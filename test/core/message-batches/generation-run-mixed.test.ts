import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { systemClock } from '../../../src/core/clock';
import { loadPromptFile } from '../../../src/core/generate/prompt-file';
import { GenerationRun } from '../../../src/core/generate/run/generation-run';
import type { PromptFile } from '../../../src/core/generate/types';
import { costOf, resolveModel } from '../../../src/core/models';
import { modelLookup } from '../../../src/engine';
import { FakeCaller } from '../../support/fake-caller';
import { FakeLimiter } from '../../support/fake-limiter';
import { FakeMessageBatchApi, singleReply } from '../../support/fake-message-batch-api';

const FILE = (name: string, mode: string) => `name: ${name}
model: claude-haiku-5-5
count: 4
turns: 2
strategy: single
mode: ${mode}
prompt: Write a short exchange about {{topic}}.
variables:
  topic: [tides, kites]
output:
  path: out/${name}.jsonl
`;

async function promptFile(dir: string, name: string, mode: string): Promise<PromptFile> {
  const file = path.join(dir, `${name}.forge.yaml`);
  fs.writeFileSync(file, FILE(name, mode));
  const parsed = await loadPromptFile(file, { workspaceRoot: dir, ...modelLookup() });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.file;
}

function answeringCaller(): FakeCaller {
  const caller = new FakeCaller();
  caller.send = async (request) => {
    caller.requests.push(request);
    return {
      text: singleReply(2),
      stopReason: 'end_turn',
      usage: { inputTokens: 100, outputTokens: 50, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      headers: { get: () => null },
      model: request.model,
    };
  };
  return caller;
}

const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('GenerationRun with Message Batches', () => {
  it('runs an online file under the limiter and a batch file through Message Batches in one run, at half price for the latter', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-mixed-'));
    const online = await promptFile(dir, 'live', 'online');
    const batch = await promptFile(dir, 'cheap', 'batch');
    const api = new FakeMessageBatchApi(systemClock);
    api.processMs = 50;
    const caller = answeringCaller();
    const run = await GenerationRun.open([online, batch], {
      clock: systemClock,
      caller,
      limiter: new FakeLimiter(systemClock),
      messageBatches: { api, poll: { initialMs: 20, maxMs: 50, factor: 1.5 }, rpm: 100_000 },
    });
    const summary = await run.start();
    const snapshot = await run.snapshot();
    await run.close();
    assert.equal(summary.state, 'finished');
    assert.equal(summary.generated, 8);
    assert.equal(caller.requests.length, 4, 'only the online file went through the Messages API');
    assert.equal(api.batches.size, 1);
    assert.equal(lines(path.join(dir, 'out/live.jsonl')).length, 4);
    assert.equal(lines(path.join(dir, 'out/cheap.jsonl')).length, 4);
    const usage = { inputTokens: 100, outputTokens: 50, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
    const haiku = resolveModel('claude-haiku-5-5')!;
    const expected = 4 * costOf(haiku, usage) + 4 * costOf(haiku, usage, { batch: true });
    assert.ok(Math.abs(summary.costUsd - expected) < 1e-9, `cost ${summary.costUsd} vs ${expected}`);
    const meta = lines(path.join(dir, 'out/cheap.meta.jsonl')).map((l) => JSON.parse(l) as { costUsd: number });
    assert.ok(Math.abs(meta[0]!.costUsd - costOf(haiku, usage) / 2) < 1e-12);
    assert.equal(snapshot.messageBatches.length, 1);
    assert.equal(snapshot.messageBatches[0]!.status, 'ended');
    assert.equal(snapshot.messageBatches[0]!.file, batch.path, "the prompt file's absolute path, as BatchProgress.sourceFile");
    assert.ok(path.isAbsolute(snapshot.messageBatches[0]!.file));
    assert.equal(snapshot.messageBatches[0]!.written, 4);
  });

  it('an online file joining while Message Batches are out is run and awaited before the run ends', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-mixed-'));
    const batch = await promptFile(dir, 'cheap', 'batch');
    const online = await promptFile(dir, 'live', 'online');
    const api = new FakeMessageBatchApi(systemClock);
    api.processMs = 400;
    const caller = answeringCaller();
    const run = await GenerationRun.open([batch], {
      clock: systemClock,
      caller,
      limiter: new FakeLimiter(systemClock),
      messageBatches: { api, poll: { initialMs: 20, maxMs: 50, factor: 1.5 }, rpm: 100_000 },
    });
    const done = run.start();
    while (api.batches.size === 0) await new Promise((r) => setTimeout(r, 5));
    await run.addFiles([online]);
    const summary = await done;
    await run.close();
    assert.equal(summary.state, 'finished');
    assert.equal(summary.generated, 8);
    assert.equal(lines(path.join(dir, 'out/live.jsonl')).length, 4);
    assert.equal(lines(path.join(dir, 'out/cheap.jsonl')).length, 4);
  });

  it('--mode batch overrides the files, and a run without the API refuses batch files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-mixed-'));
    const online = await promptFile(dir, 'live', 'online');
    await assert.rejects(
      GenerationRun.open([online], { clock: systemClock, caller: answeringCaller(), limiter: new FakeLimiter(systemClock), mode: 'batch' }),
      /mode batch needs the Message Batches API/,
    );
  });
});
