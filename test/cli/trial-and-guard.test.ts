import assert from 'node:assert/strict';
import * as path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/sim';
import { fakeApiKey } from '../support/fake-api-key';
import { cli, journalRecords, readJsonl, SMALL_FILE, tempWorkspace } from './support';

describe('convforge generate: spend guard and --limit trials', function () {
  this.timeout(60_000);
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({ limits: { default: { requestsPerMinute: 6000 } }, burstSeconds: 60 });
  });
  after(() => sim.close());
  const env = () => ({ ANTHROPIC_API_KEY: fakeApiKey('guard-test'), ANTHROPIC_BASE_URL: sim.url });

  it('refuses without --yes off a terminal when the estimate is above the threshold, and sends no generation request', async () => {
    const dir = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('a', 6) });
    const before = sim.stats().messages;
    const r = await cli(['generate', 'a.forge.yaml', '--confirm-above', '0.000001', '--quiet'], dir, { env: env() });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /This run is estimated at ~\$[\d.]+, .*bound by .*: above the \$0\.00 confirmation threshold/);
    assert.match(r.stderr, /Nothing was sent\. Add --yes/);
    assert.equal(sim.stats().messages, before);
    const yes = await cli(['generate', 'a.forge.yaml', '--confirm-above', '0.000001', '--yes', '--json', '--quiet'], dir, { env: env() });
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal((JSON.parse(yes.stdout) as { generated: number }).generated, 6);
  });

  it('guards Message Batch files too: the estimate is printed at batch prices and nothing is submitted without --yes', async () => {
    const dir = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('a', 6) });
    const created = () => sim.stats().messageBatches?.created ?? 0;
    const before = created();
    const r = await cli(['generate', 'a.forge.yaml', '--mode', 'batch', '--confirm-above', '0.000001'], dir, { env: env() });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /Estimate: 6 conversations, 6 requests, ~\$[\d.]+; no online files; Message Batches \(6 conversations at 50 % of standard prices\)/,
    );
    assert.match(r.stderr, /Nothing was sent\. Add --yes/);
    assert.equal(created(), before, 'no Message Batch created');
  });

  it('asks on a terminal: "no" sends nothing, "yes" runs', async () => {
    const dir = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('a', 4) });
    const before = sim.stats().messages;
    const questions: string[] = [];
    const no = await cli(['generate', 'a.forge.yaml', '--confirm-above', '0.000001', '--quiet'], dir, {
      env: env(),
      ask: async (q) => (questions.push(q), false),
    });
    assert.equal(no.code, 2);
    assert.equal(sim.stats().messages, before);
    assert.match(questions[0] ?? '', /Start it\? \[y\/N\]/);
    const go = await cli(['generate', 'a.forge.yaml', '--confirm-above', '0.000001', '--quiet'], dir, {
      env: env(),
      ask: async () => true,
    });
    assert.equal(go.code, 0, go.stderr);
    assert.equal(readJsonl(path.join(dir, 'out/a.jsonl')).length, 4);
  });

  it('--limit N generates the first N of each file; the full run then adds only the rest, no duplicates', async () => {
    const dir = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('a', 9), 'b.forge.yaml': SMALL_FILE('b', 2) });
    const trial = await cli(['generate', '.', '--limit', '3', '--json', '--quiet'], dir, { env: env() });
    assert.equal(trial.code, 0, trial.stderr);
    assert.match(trial.stderr, /Trial: at most the first 3 conversation\(s\) of each prompt file/);
    assert.equal(readJsonl(path.join(dir, 'out/a.jsonl')).length, 3);
    assert.equal(readJsonl(path.join(dir, 'out/b.jsonl')).length, 2);
    const trialIds = (journalRecords(path.join(dir, 'out/a.meta.jsonl')) as { index: number }[]).map((m) => m.index).sort();
    assert.deepEqual(trialIds, [0, 1, 2]);
    const full = await cli(['generate', '.', '--json', '--quiet'], dir, { env: env() });
    assert.equal(full.code, 0, full.stderr);
    const summary = JSON.parse(full.stdout) as { generated: number; skipped: number };
    assert.deepEqual([summary.generated, summary.skipped], [6, 5]);
    const ids = (journalRecords(path.join(dir, 'out/a.meta.jsonl')) as { id: string }[]).map((m) => m.id);
    assert.equal(new Set(ids).size, 9);
  });
});
