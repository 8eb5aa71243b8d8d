import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/sim';
import { resolveModel } from '../../src/core/models';
import { cli, readJsonl, tempWorkspace } from './support';

const FILE = `name: kb
model: claude-haiku-5-5
count: 6
turns: 2
strategy: single
prompt: A short exchange about {{topic}}.
variables:
  topic: [tea, kites, rivers]
output:
  path: out/kb.jsonl
`;

/** Fires once `check` holds (polled), for an in-process Ctrl-C at a known moment. */
function when(check: () => boolean): (fire: () => void) => void {
  return (fire) => {
    const t = setInterval(() => {
      if (!check()) return;
      clearInterval(t);
      fire();
    }, 10);
  };
}

describe('convforge Message Batches (CLI against the simulator)', function () {
  this.timeout(120_000);
  let sim: SimulatorHandle;
  afterEach(async () => sim?.close());

  it('Ctrl-C leaves the batch running; `batches` lists and cancels it; the next generate says what it resumes and completes the dataset once', async () => {
    const ws = tempWorkspace({ 'kb.forge.yaml': FILE });
    sim = await startSimulator({ host: '127.0.0.1', port: 0, messageBatches: { processingSeconds: 3600 } });
    const env = { ANTHROPIC_API_KEY: 'sk-ant-sim-test', ANTHROPIC_BASE_URL: sim.url };
    const sidecar = path.join(ws, 'out/kb.message-batches.jsonl');

    const first = await cli(['generate', 'kb.forge.yaml', '--mode', 'batch', '--yes', '--poll-seconds', '0.5', '-q'], ws, {
      env,
      interrupt: when(() => fs.existsSync(sidecar) && fs.readFileSync(sidecar, 'utf8').includes('"t":"created"')),
    });
    assert.equal(first.code, 130, first.stderr);
    assert.match(first.stderr, /Message Batches keep processing at Anthropic/);
    assert.equal(sim.stats().messageBatches.cancels, 0, 'Ctrl-C does not cancel');

    const listed = await cli(['batches', 'kb.forge.yaml'], ws, { env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      /msgbatch_\w+ {2}kb\.forge\.yaml {2}in_progress {2}6 request\(s\): 6 processing {2}submitted \d+s ago, expires in (23h5\dm|24h00m)/,
    );
    assert.match(listed.stdout, /1 Message Batch\(es\), 1 not yet collected/);

    const cancelled = await cli(['batches', 'kb.forge.yaml', '--cancel-all'], ws, { env });
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stderr, /cancelled msgbatch_\w+ \(now (canceling|ended)\)/);
    assert.equal(sim.stats().messageBatches.cancels, 1);

    sim.configure({ messageBatches: { processingSeconds: 0.5 } });
    const second = await cli(['generate', 'kb.forge.yaml', '--mode', 'batch', '--yes', '--poll-seconds', '0.5', '-q'], ws, { env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /Resuming: 1 Message Batch\(es\) from an earlier run/);
    assert.match(second.stdout, /Message Batches: 2 \(\$[\d.]+ at batch prices\), 1 created/);
    const meta = readJsonl(path.join(ws, 'out/kb.meta.jsonl')) as { id: string }[];
    assert.equal(meta.length, 6);
    assert.equal(new Set(meta.map((m) => m.id)).size, 6);
    // Every request of the cancelled batch was submitted again, once.
    assert.deepEqual([...new Set(Object.values(sim.stats().messageBatches.submittedByCustomId))], [2]);

    const after = await cli(['batches', 'kb.forge.yaml'], ws, { env });
    assert.match(after.stdout, /2 Message Batch\(es\), 0 not yet collected/);
  });

  it('--budget counts Message Batches: a submission that would pass it is not made, what was submitted is written, exit 1', async () => {
    const ws = tempWorkspace({ 'kb.forge.yaml': FILE.replace('strategy: single', 'strategy: single\nmax_tokens: 2000') });
    sim = await startSimulator({ host: '127.0.0.1', port: 0, messageBatches: { processingSeconds: 0.5 } });
    const env = { ANTHROPIC_API_KEY: 'sk-ant-sim-test', ANTHROPIC_BASE_URL: sim.url };
    const haiku = resolveModel('claude-haiku-5-5')!;
    const worst = (2000 * haiku.prices.output * (1 - haiku.batchDiscount)) / 1e6;
    const margin = (300 * haiku.prices.input * (1 - haiku.batchDiscount)) / 1e6;
    // Room for two requests' worst case, not three.
    const budget = (2 * (worst + margin) + worst / 2).toFixed(6);
    const run = await cli(['generate', 'kb.forge.yaml', '--mode', 'batch', '--yes', '--poll-seconds', '0.5', '--budget', budget], ws, {
      env,
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout + run.stderr,
      /budget reached: the next Message Batch request \(at most \$[\d.]+ at batch prices\) would exceed the budget/,
    );
    assert.equal(Object.keys(sim.stats().messageBatches.submittedByCustomId).length, 2);
    assert.equal(readJsonl(path.join(ws, 'out/kb.jsonl')).length, 2, 'what was submitted is waited for and written');
  });
});
