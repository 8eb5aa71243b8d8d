import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/sim';
import { fakeApiKey } from '../support/fake-api-key';
import { cli, readJsonl, tempWorkspace } from './support';

const FILE = `model: claude-haiku-5-5
count: 6
turns: 4
max_tokens: 1024
prompt: |
  Write a support conversation as JSON with exactly 4 messages. The customer is {{persona}}.
variables:
  persona: { generate: 3, prompt: "Customer personas for a bike shop, one short sentence each." }
output:
  path: out/support.jsonl
`;

/** The values requests against the simulator as a real endpoint (not --simulate): the spend guard and --budget apply. */
describe('convforge generate: generated values under the spend guard and --budget', function () {
  this.timeout(60_000);
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({ limits: { default: { requestsPerMinute: 6000 } }, burstSeconds: 60 });
  });
  after(() => sim.close());
  const env = () => ({ ANTHROPIC_API_KEY: fakeApiKey('values-spend'), ANTHROPIC_BASE_URL: sim.url });
  const valuesFile = (ws: string) => path.join(ws, 'support.forge.values.yaml');

  it('estimate states the values worst case with its top-up rounds and counts it in the total', async () => {
    const ws = tempWorkspace({ 'support.forge.yaml': FILE });
    const e = await cli(['estimate', '.'], ws, { env: env() });
    assert.equal(e.code, 0, e.stderr);
    assert.match(
      e.stdout,
      /generated variable values: 1 request\(s\), .* out tokens, ~\$[\d.]+; worst case with 3 top-up round\(s\): 4 request\(s\), \$[\d.]+ \(counted in the estimate\)/,
    );
    assert.match(e.stdout, /Estimate: 6 conversations, 10 requests/);
  });

  it('off a terminal, an estimate above the threshold refuses before the values request: nothing sent, no values file', async () => {
    const ws = tempWorkspace({ 'support.forge.yaml': FILE });
    const before = sim.stats().messages;
    const r = await cli(['generate', '.', '--confirm-above', '0.000001'], ws, { env: env() });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /worst case with 3 top-up round\(s\)/);
    assert.match(r.stderr, /above the \$0\.00 confirmation threshold\.\nNothing was sent\. Add --yes/);
    assert.equal(sim.stats().messages, before);
    assert.equal(fs.existsSync(valuesFile(ws)), false);
  });

  it('on a terminal the question is asked once for values and conversations together', async () => {
    const ws = tempWorkspace({ 'support.forge.yaml': FILE });
    const questions: string[] = [];
    const r = await cli(['generate', '.', '--confirm-above', '0.000001', '--json'], ws, {
      env: env(),
      ask: async (q) => (questions.push(q), true),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(questions.length, 1, questions.join('\n---\n'));
    assert.match(r.stderr, /Generated 3 value\(s\) of persona in 1 request\(s\)/);
    assert.equal(readJsonl(path.join(ws, 'out/support.jsonl')).length, 6);
  });

  it('a budget below the values request sends nothing and says so; a budget with room counts the values against it', async () => {
    const ws = tempWorkspace({ 'support.forge.yaml': FILE });
    const before = sim.stats().messages;
    const tight = await cli(['generate', '.', '--budget', '0.000001', '--quiet'], ws, { env: env() });
    assert.equal(tight.code, 1, tight.stderr);
    assert.match(
      tight.stderr,
      /budget reached: the values request for persona \(worst case \$[\d.]+\) would pass the budget .* was not sent/,
    );
    assert.equal(sim.stats().messages, before);
    assert.equal(fs.existsSync(valuesFile(ws)), false);

    const roomy = await cli(['generate', '.', '--budget', '5', '--json', '--quiet'], ws, { env: env() });
    assert.equal(roomy.code, 0, roomy.stderr);
    assert.match(roomy.stderr, /the generated values spent \$[\d.]+ of the \$5\.00 budget: \$[\d.]+ is left for the conversations/);
    assert.equal((JSON.parse(roomy.stdout) as { generated: number }).generated, 6);
  });
});
