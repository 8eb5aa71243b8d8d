import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModelCaller } from '../../../src/core/api/types';
import { systemClock } from '../../../src/core/clock';
import { parsePromptFile } from '../../../src/core/generate/prompt-file';
import { BudgetGuard } from '../../../src/core/generate/run/budget-guard';
import { ModelPricing } from '../../../src/core/generate/run/model-pricing';
import type { PromptFile } from '../../../src/core/generate/types';
import { createLimiterFor } from '../../../src/engine';
import { readConfig } from '../../../src/vscode/config';
import { valuesForJoining } from '../../../src/vscode/run/join-values';
import type { LiveRun } from '../../../src/vscode/run/live-run';
import { optionsFor } from '../../core/generate/prompt-file/helpers';
import { FakeConfig, FakeLog } from '../support/fakes';

const USAGE = { inputTokens: 20_000, outputTokens: 4_000, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

function promptFile(dir: string, name: string): PromptFile {
  const file = path.join(dir, `${name}.forge.yaml`);
  const text = `name: ${name}
model: claude-haiku-5-5
count: 4
prompt: "A {{persona}} writes in."
variables:
  persona: { generate: 3, prompt: "Customer personas for a bike shop." }
`;
  fs.writeFileSync(file, text);
  const parsed = parsePromptFile(text, optionsFor(file, dir));
  assert.ok(parsed.ok);
  return parsed.file;
}

/** Answers every values request with three personas, at a known usage. */
const caller: ModelCaller = {
  async send(request) {
    return {
      text: '1. A commuter\n2. A racer\n3. A parent',
      stopReason: 'end_turn',
      usage: USAGE,
      headers: new Headers(),
      model: request.model,
    };
  },
  async countTokens() {
    return 10;
  },
};

describe("a file joining a run in VS Code: its generated values are charged to the run's budget", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convforge-join-values-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the run's budget check sees what the values spent, and the next joining file gets only what is left", async () => {
    // The run's guard: a 2-cent budget of which the conversations have spent 0.8 cents.
    const guard = new BudgetGuard(0.02);
    guard.reserve(0.01);
    guard.settle(0.01, 0.008);
    const run = { budgetLeftUsd: 0, chargeOutside: (usd: number) => guard.charge(usd) };
    Object.defineProperty(run, 'budgetLeftUsd', { get: () => guard.leftUsd });
    const active = {
      run,
      caller,
      limiter: createLimiterFor({ limits: { tier: 'scale' } }, systemClock),
      endpoint: { endpoint: { simulated: false } },
    } as unknown as LiveRun;
    const config = readConfig(new FakeConfig({})).config;
    const log = new FakeLog();
    const deps = { config: () => config, clock: systemClock, log };
    const spentPerFile = new ModelPricing().costUsd('claude-haiku-5-5', USAGE);
    assert.ok(spentPerFile > 0.002, 'a spend large enough to matter');

    const [ready] = await valuesForJoining(active, [promptFile(dir, 'first')], deps);
    assert.deepEqual(ready!.variables['persona'], ['A commuter', 'A racer', 'A parent']);
    assert.ok(Math.abs(guard.spentUsd - (0.008 + spentPerFile)) < 1e-9, `spent ${guard.spentUsd}`);
    assert.ok(Math.abs(guard.leftUsd! - (0.012 - spentPerFile)) < 1e-9);
    // A conversation that fitted before the values no longer does.
    assert.equal(guard.wouldExceed(0.012 - spentPerFile / 2), true);
    assert.match(log.text(), /spent \$\d\.\d{4} of the run's budget: \$\d\.\d{4} is left/);

    // What is left now cannot pay for the next file's values request: it is refused, not sent.
    guard.charge(guard.leftUsd! - 1e-6);
    const spentBefore = guard.spentUsd;
    await assert.rejects(valuesForJoining(active, [promptFile(dir, 'second')], deps), (e: Error) => /budget/.test(e.message));
    assert.equal(guard.spentUsd, spentBefore, 'nothing was sent, nothing charged');
  });
});
