import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPromptFile } from '../../../../src/core/generate/prompt-file';
import { GenerationRun } from '../../../../src/core/generate/run/generation-run';
import { createLimiterFor, modelLookup } from '../../../../src/engine';
import { FakeClock } from '../../../support/fake-clock';
import { PacedApi } from '../../../support/paced-api';

const FILE = `name: keyed
model: claude-haiku-5-5
count: 400
turns: 2
strategy: single
prompt: Talk about {{topic}}.
variables:
  topic: [tea, kites, rivers, tides]
output:
  path: out/keyed.jsonl
`;

const LIMITS = { requestsPerMinute: 10_000, inputTokensPerMinute: 100_000_000, outputTokensPerMinute: 100_000_000 };

/** Slots, and requests in flight, right after the run starts, before any response has begun. */
async function atStart(countedSamples: number): Promise<{ slots: number; active: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convforge-key-'));
  const clock = new FakeClock();
  try {
    const file = path.join(dir, 'keyed.forge.yaml');
    fs.writeFileSync(file, FILE);
    const api = new PacedApi({ clock, latencyMs: 20_000, limits: LIMITS, outputTokens: { single: 400, turns: 60 } });
    const parsed = await loadPromptFile(file, { workspaceRoot: dir, ...modelLookup() });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
    const run = await GenerationRun.open([parsed.file], {
      clock,
      caller: api,
      limiter: createLimiterFor(
        { limits: { rpm: LIMITS.requestsPerMinute, itpm: LIMITS.inputTokensPerMinute, otpm: LIMITS.outputTokensPerMinute } },
        clock,
      ),
      random: () => 0.5,
      fsync: 'never',
    });
    run.addEstimate({
      costUsd: 1,
      conversations: 400,
      wallSeconds: 22,
      perFile: [{ file, requests: 400, inputTokens: 40_000, outputTokens: 160_000, countedSamples }],
    });
    void run.start();
    await clock.advance(0);
    const { concurrency: slots, active } = run.processor.stats;
    run.cancel();
    await clock.advance(30_000);
    await run.close();
    return { slots, active };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('GenerationRun: an estimate that counted tokens proves the key', () => {
  it('starts with one second of requests when count_tokens answered for every file, with four when it did not', async () => {
    const counted = await atStart(3);
    assert.equal(counted.slots, 167);
    // The limiter's first burst (under a second's worth), not the slots, decides how many go at once.
    assert.ok(counted.active > 100, `${counted.active} in flight`);
    assert.deepEqual(await atStart(0), { slots: 4, active: 4 });
  });
});
