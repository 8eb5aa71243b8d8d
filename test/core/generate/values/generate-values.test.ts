import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModelCaller, ModelRequest } from '../../../../src/core/api/types';
import { systemClock } from '../../../../src/core/clock';
import { parsePromptFile } from '../../../../src/core/generate/prompt-file';
import type { PromptFile } from '../../../../src/core/generate/types';
import { generateValues } from '../../../../src/core/generate/values/generate-values';
import { parseValuesFile, valuesFileFor } from '../../../../src/core/generate/values/values-file';
import { parseValuesAnswer } from '../../../../src/core/generate/values/values-request';
import { createCallerFor, createLimiterFor, openSimulatorEndpoint } from '../../../../src/engine';
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

const limiter = () => createLimiterFor({ limits: { tier: 'scale' } }, systemClock);
const ZERO = { inputTokens: 10, outputTokens: 10, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

/** A fake API that answers each request with the next scripted text and keeps what it was asked. */
function scripted(answers: string[]): ModelCaller & { asked: ModelRequest[] } {
  const asked: ModelRequest[] = [];
  return {
    asked,
    async send(request) {
      asked.push(request);
      const text = answers[asked.length - 1] ?? '';
      return { text, stopReason: 'end_turn', usage: ZERO, headers: new Headers(), model: request.model };
    },
    async countTokens() {
      return 10;
    },
  };
}

describe('generating variable values', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convforge-values-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads numbered, bulleted and plain lists, leaving out a preamble', () => {
    assert.deepEqual(parseValuesAnswer('Here are three:\n1. A cook\n2) **A pilot**\n- "A nurse"\n'), ['A cook', 'A pilot', 'A nurse']);
    assert.deepEqual(parseValuesAnswer('A cook\nA pilot\n\n'), ['A cook', 'A pilot']);
  });

  it('asks again for the missing values only, naming those it has, until the count is reached', async () => {
    const file = promptFile(dir, 4);
    const caller = scripted(['1. A cook\n2. a  COOK\n3. ', '1. A cook\n2. A pilot', '1. A nurse\n2. A welder\n3. A baker']);
    const [outcome] = await generateValues({ files: [file], caller, limiter: limiter(), clock: systemClock, simulated: false });
    assert.equal(caller.asked.length, 3);
    assert.match(caller.asked[0]!.messages[0]!.content, /exactly 4 distinct values/);
    assert.match(caller.asked[1]!.messages[0]!.content, /exactly 3 distinct values[\s\S]*- A cook$/);
    assert.match(caller.asked[2]!.messages[0]!.content, /exactly 2 distinct values[\s\S]*- A cook\n- A pilot$/);
    assert.deepEqual(outcome!.variables[0]!.got, 4);
    const text = fs.readFileSync(valuesFileFor(file.path, false), 'utf8');
    assert.deepEqual(parseValuesFile(text, 'v', file.generated!).values, { persona: ['A cook', 'A pilot', 'A nurse', 'A welder'] });
  });

  it('stops after the bounded number of requests and keeps what it got, which then fails validation with the count', async () => {
    const file = promptFile(dir, 5);
    const caller = scripted(['1. A cook', '1. A cook', '1. A pilot', '1. A cook', '1. never asked']);
    const [outcome] = await generateValues({
      files: [file],
      caller,
      limiter: limiter(),
      clock: systemClock,
      simulated: false,
      maxRounds: 4,
    });
    assert.equal(caller.asked.length, 4);
    assert.equal(outcome!.variables[0]!.got, 2);
    const text = fs.readFileSync(valuesFileFor(file.path, false), 'utf8');
    const { diagnostics } = parseValuesFile(text, 'v', file.generated!);
    assert.match(diagnostics[0]!.message, /expected at least 5 values \(generate: 5\), got 2/);
  });

  it('an API error the error table calls fatal stops it and writes nothing', async () => {
    const file = promptFile(dir, 3);
    const caller: ModelCaller = {
      send: async () => {
        throw Object.assign(new Error('invalid x-api-key'), { status: 401 });
      },
      countTokens: async () => 1,
    };
    await assert.rejects(
      generateValues({ files: [file], caller, limiter: limiter(), clock: systemClock, simulated: false }),
      /generating values failed/,
    );
    assert.equal(fs.existsSync(valuesFileFor(file.path, false)), false);
  });

  it('aborting stops the request in flight and writes nothing', async () => {
    const file = promptFile(dir, 3);
    const stop = new AbortController();
    let started = false;
    const caller: ModelCaller = {
      send: (request) =>
        new Promise((_, reject) => {
          started = true;
          request.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
        }),
      countTokens: async () => 1,
    };
    const running = generateValues({
      files: [file],
      caller,
      limiter: limiter(),
      clock: systemClock,
      simulated: false,
      signal: stop.signal,
    });
    const until = Date.now() + 10_000;
    while (!started && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    await assert.rejects(running, (e: Error & { kind?: string }) => e.kind === 'cancelled');
    assert.equal(fs.existsSync(valuesFileFor(file.path, false)), false);
  });

  it('against the simulator: N distinct values in one request, written to the dry-run file', async () => {
    const file = promptFile(dir, 60);
    const opened = await openSimulatorEndpoint({ limits: { tier: 'scale' }, latency: { baseMs: 0, perOutputTokenMs: 0, jitterMs: 0 } });
    try {
      const [outcome] = await generateValues({
        files: [file],
        caller: createCallerFor(opened.endpoint),
        limiter: limiter(),
        clock: systemClock,
        simulated: true,
      });
      assert.equal(outcome!.variables[0]!.requests, 1);
      assert.equal(outcome!.valuesFile, valuesFileFor(file.path, true));
      const { values, diagnostics } = parseValuesFile(fs.readFileSync(outcome!.valuesFile, 'utf8'), 'v', file.generated!);
      assert.deepEqual(diagnostics, []);
      assert.equal(values['persona']!.length, 60);
      assert.equal(fs.existsSync(valuesFileFor(file.path, false)), false, 'simulated values never land in the real file');
    } finally {
      await opened.close();
    }
  });
});
