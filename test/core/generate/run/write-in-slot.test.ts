import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { systemClock } from '../../../../src/core/clock';
import { loadPromptFile } from '../../../../src/core/generate/prompt-file';
import { GenerationRun } from '../../../../src/core/generate/run/generation-run';
import type { PromptFile } from '../../../../src/core/generate/types';
import { modelLookup } from '../../../../src/engine';
import { FakeCaller } from '../../../support/fake-caller';
import { FakeLimiter } from '../../../support/fake-limiter';
import { conversationOf } from '../strategies/fixtures';

// bench/throughput's write-slot comparison rests on this option: the old way must really hold the
// request's slot until its conversation is committed, and the product's way must not.

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

async function promptFile(dir: string, count: number): Promise<PromptFile> {
  const file = path.join(dir, 'tides.forge.yaml');
  fs.writeFileSync(
    file,
    `name: tides\nmodel: claude-haiku-5-5\ncount: ${count}\nturns: 2\nstrategy: single\nprompt: Write a short exchange about tides.\noutput:\n  path: out/tides.jsonl\n`,
  );
  const parsed = await loadPromptFile(file, { workspaceRoot: dir, ...modelLookup() });
  if (!parsed.ok) throw new Error(`test prompt file does not parse: ${JSON.stringify(parsed.diagnostics)}`);
  return parsed.file;
}

/** For each job, whether its request's slot was released (`succeeded`) before its conversation was committed (`written`). */
async function releasedBeforeWritten(writeInSlot: boolean): Promise<{ generated: number; early: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-write-slot-'));
  try {
    const run = await GenerationRun.open([await promptFile(dir, 12)], {
      clock: systemClock,
      caller: answeringCaller(),
      limiter: new FakeLimiter(systemClock),
      fsync: 'always',
      ...(writeInSlot ? { writeInSlot: true } : {}),
    });
    const written = new Set<string>();
    let early = 0;
    run.on('written', ({ job }) => written.add(job.id));
    run.processor.on('succeeded', ({ job }) => {
      if (!written.has(job.id)) early++;
    });
    const summary = await run.start();
    run.dispose();
    return { generated: summary.generated, early };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('GenerationRun writeInSlot (bench only)', () => {
  it('holds each request slot until its conversation is committed; by default the slot goes first', async () => {
    const inSlot = await releasedBeforeWritten(true);
    assert.equal(inSlot.generated, 12);
    assert.equal(inSlot.early, 0, 'with writeInSlot no slot is released before its write');
    const offSlot = await releasedBeforeWritten(false);
    assert.equal(offSlot.generated, 12);
    assert.ok(offSlot.early > 0, 'by default slots are released while their writes are still pending');
  });
});
