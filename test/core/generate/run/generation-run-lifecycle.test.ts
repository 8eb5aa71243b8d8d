import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { systemClock } from '../../../../src/core/clock';
import { loadPromptFile } from '../../../../src/core/generate/prompt-file';
import { modelLookup } from '../../../../src/engine';
import { GenerationRun } from '../../../../src/core/generate/run/generation-run';
import { assertRunTransition } from '../../../../src/core/generate/run/run-transitions';
import type { RunSummary } from '../../../../src/core/generate/run/run-types';
import type { PromptFile } from '../../../../src/core/generate/types';
import { FakeCaller } from '../../../support/fake-caller';
import { FakeLimiter } from '../../../support/fake-limiter';
import { conversationOf } from '../strategies/fixtures';

/** A caller that answers every request with a valid two-message conversation. */
function answeringCaller(): FakeCaller {
  const caller = new FakeCaller();
  caller.send = async (request) => {
    caller.requests.push(request);
    return {
      text: JSON.stringify({ messages: conversationOf(2) }),
      stopReason: 'end_turn',
      usage: { inputTokens: 10, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      headers: { get: () => null },
      model: request.model,
    };
  };
  return caller;
}

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

  it('a cancelled run refuses new files and a second start', async () => {
    const run = await GenerationRun.open([await promptFile(dir, 'tides', 1)], {
      clock: systemClock,
      caller: new FakeCaller(),
      limiter: new FakeLimiter(systemClock),
    });
    run.cancel();
    run.cancel();
    await run.start();
    await assert.rejects(run.addFiles([await promptFile(dir, 'late', 1)]), /the run has cancelled/);
    await run.close();
  });

  it('files added while the run drains join it: the run waits for their datasets to open, then generates them', async () => {
    const caller = answeringCaller();
    const run = await GenerationRun.open([await promptFile(dir, 'first', 1)], {
      clock: systemClock,
      caller,
      limiter: new FakeLimiter(systemClock),
    });
    // Hold the added file's dataset opening until the run has nothing else left to do.
    const { datasets } = (run as unknown as { parts: { datasets: { check: (...a: unknown[]) => Promise<unknown> } } }).parts;
    const check = datasets.check.bind(datasets);
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    datasets.check = async (...a) => {
      await opened;
      return check(...a);
    };
    const late = await promptFile(dir, 'late', 2);
    const done = run.start();
    const added = run.addFiles([late]);
    const deadline = Date.now() + 10_000;
    while (caller.requests.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(run.state, 'running', 'the run waits for the files being added');
    open();
    assert.deepEqual(
      (await added).map((b) => b.id),
      ['late'],
    );
    const summary = await done;
    assert.equal(summary.state, 'finished');
    assert.equal(summary.generated, 3);
    assert.equal(run.acceptsFiles, false);
    await assert.rejects(run.addFiles([await promptFile(dir, 'later', 1)]), /the run (is ending|has finished)/);
    await run.close();
  });

  it('tells paused batches from cancelled ones: paused ones resume, cancelled ones stay out of dispatch', async () => {
    const caller = answeringCaller();
    const files = [await promptFile(dir, 'kept', 2), await promptFile(dir, 'paused', 2), await promptFile(dir, 'dropped', 2)];
    const run = await GenerationRun.open(files, { clock: systemClock, caller, limiter: new FakeLimiter(systemClock) });
    run.pauseBatch('paused');
    run.cancelBatch('dropped');
    const control = () => Object.fromEntries(run.listBatches().map((b) => [b.id, b.control]));
    assert.deepEqual(control(), { kept: 'active', paused: 'paused', dropped: 'cancelled' });
    assert.throws(() => run.resumeBatch('dropped'), /batch "dropped" is cancelled: it cannot be resumed/);
    assert.throws(() => run.pauseBatch('dropped'), /batch "dropped" is cancelled: it cannot be paused/);
    const done = run.start();
    // The paused batch keeps the run open; resuming it lets the run finish.
    const deadline = Date.now() + 10_000;
    while (run.listBatches().find((b) => b.id === 'kept')!.generated < 2) {
      if (Date.now() > deadline) assert.fail('the active batch was not generated within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(run.state, 'running');
    assert.equal(run.resumeBatch('paused'), 2);
    const summary = await done;
    assert.equal(summary.state, 'finished');
    const generated = Object.fromEntries(run.listBatches().map((b) => [b.id, b.generated]));
    assert.deepEqual(generated, { kept: 2, paused: 2, dropped: 0 });
    assert.equal(summary.remaining, 2);
    assert.equal(caller.requests.length, 4);
    await run.close();
  });

  it('the lifecycle table refuses moves it does not have', () => {
    assert.equal(assertRunTransition('ready', 'running'), 'running');
    assert.equal(assertRunTransition('paused', 'cancelled'), 'cancelled');
    assert.throws(() => assertRunTransition('ready', 'paused'), /Invalid run transition ready -> paused/);
    assert.throws(() => assertRunTransition('finished', 'running'), /Invalid run transition finished -> running/);
    assert.throws(() => assertRunTransition('cancelled', 'cancelled'), /Invalid run transition/);
  });
});
