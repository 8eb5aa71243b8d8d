import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModelCaller, ModelRequest } from '../../../../src/core/api/types';
import { systemClock } from '../../../../src/core/clock';
import { classify } from '../../../../src/core/errors';
import { parsePromptFile } from '../../../../src/core/generate/prompt-file';
import type { PromptFile } from '../../../../src/core/generate/types';
import { estimateValueRequests, worstValueRequest, withValueRequests } from '../../../../src/core/generate/values/estimate-values';
import { generateValues } from '../../../../src/core/generate/values/generate-values';
import { parseValuesFile, valuesFileFor } from '../../../../src/core/generate/values/values-file';
import type { Usage } from '../../../../src/core/usage';
import type { RunEstimate } from '../../../../src/core/generate/estimate';
import { createLimiterFor } from '../../../../src/engine';
import { optionsFor } from '../prompt-file/helpers';

function promptFile(dir: string, generate: number): PromptFile {
  const file = path.join(dir, 'support.forge.yaml');
  const text = `model: claude-haiku-5-5
count: 10
prompt: "A {{persona}} writes in."
variables:
  persona: { generate: ${generate}, prompt: "Customer personas for a bike shop." }
`;
  fs.writeFileSync(file, text);
  const parsed = parsePromptFile(text, optionsFor(file, dir));
  assert.ok(parsed.ok);
  return parsed.file;
}

/** A price per token that makes the arithmetic visible: $1 per million in, $5 per million out. */
const priceOf = (_model: string, u: Usage) => (u.inputTokens + 5 * u.outputTokens) / 1e6;
const USAGE = { inputTokens: 100, outputTokens: 100, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

function scripted(answers: string[]): ModelCaller & { asked: ModelRequest[] } {
  const asked: ModelRequest[] = [];
  return {
    asked,
    async send(request) {
      asked.push(request);
      return { text: answers[asked.length - 1] ?? '', stopReason: 'end_turn', usage: USAGE, headers: new Headers(), model: request.model };
    },
    async countTokens() {
      return 10;
    },
  };
}

const limiter = () => createLimiterFor({ limits: { tier: 'scale' } }, systemClock);

describe('generated values: worst-case estimate and the budget', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convforge-values-budget-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the estimate counts the bounded top-up rounds as its worst case, and the run totals carry the worst case', () => {
    const file = promptFile(dir, 20);
    const g = file.generated![0]!;
    const e = estimateValueRequests([file], priceOf);
    assert.equal(e.requests, 1);
    assert.equal(e.worstCase.requests, 4);
    assert.equal(e.worstCase.rounds, 4);
    // Every worst request fills max_tokens, and each top-up lists what the earlier answers could hold.
    assert.equal(e.worstCase.outputTokens, 4 * g.maxTokens);
    const rounds = [0, 1, 2, 3].map((r) => worstValueRequest(g, r, priceOf));
    assert.ok(rounds[1]!.inputTokens > rounds[0]!.inputTokens + g.maxTokens - 1);
    assert.equal(
      e.worstCase.costUsd,
      rounds.reduce((n, r) => n + r.costUsd, 0),
    );
    assert.ok(e.worstCase.costUsd > 4 * e.costUsd);
    const base = { requests: 10, inputTokens: 1, outputTokens: 1, costUsd: 1 } as RunEstimate;
    const total = withValueRequests(base, e);
    assert.equal(total.requests, 14);
    assert.equal(total.costUsd, 1 + e.worstCase.costUsd);
    assert.equal(estimateValueRequests([file], priceOf, 1).worstCase.requests, 1);
  });

  it('a request whose worst case would pass the budget is not sent: the values so far are written and it says why', async () => {
    const file = promptFile(dir, 4);
    const g = file.generated![0]!;
    const first = worstValueRequest(g, 0, priceOf).costUsd;
    const spent = priceOf(g.model, USAGE);
    // Room for the first request, not for the top-up it then needs.
    const limitUsd = first + 0.1 * worstValueRequest(g, 1, priceOf).costUsd;
    assert.ok(spent + worstValueRequest(g, 1, priceOf).costUsd > limitUsd);
    const caller = scripted(['1. A cook\n2. A pilot\n', '1. A nurse\n2. A baker\n']);
    const error = await generateValues({
      files: [file],
      caller,
      limiter: limiter(),
      clock: systemClock,
      simulated: false,
      budget: { limitUsd, priceOf },
    }).then(
      () => undefined,
      (e: unknown) => classify(e),
    );
    assert.ok(error, 'it rejects');
    assert.equal(error.kind, 'budget');
    assert.match(
      error.message,
      /top-up 1 of the values for persona \(worst case \$[\d.]+\) would pass the budget .* was not sent; the 2 value\(s\) it has are written/,
    );
    assert.equal(caller.asked.length, 1);
    // Written, and short of the count: the file then fails validation saying so.
    const written = parseValuesFile(
      fs.readFileSync(valuesFileFor(file.path, false), 'utf8'),
      valuesFileFor(file.path, false),
      file.generated!,
    );
    assert.match(written.diagnostics.map((d) => d.message).join('\n'), /expected at least 4 values \(generate: 4\), got 2/);
  });

  it('a budget below the first request sends nothing and writes nothing; a budget with room sends as usual', async () => {
    const file = promptFile(dir, 2);
    const g = file.generated![0]!;
    const caller = scripted(['1. A cook\n2. A pilot\n']);
    const tight = worstValueRequest(g, 0, priceOf).costUsd * 0.9;
    await assert.rejects(
      generateValues({
        files: [file],
        caller,
        limiter: limiter(),
        clock: systemClock,
        simulated: false,
        budget: { limitUsd: tight, priceOf },
      }),
      /the values request for persona .* was not sent\. Raise the budget/,
    );
    assert.equal(caller.asked.length, 0);
    const [outcome] = await generateValues({
      files: [file],
      caller,
      limiter: limiter(),
      clock: systemClock,
      simulated: false,
      budget: { limitUsd: 1, priceOf },
    });
    assert.equal(outcome!.variables[0]!.got, 2);
    assert.equal(caller.asked.length, 1);
  });
});
