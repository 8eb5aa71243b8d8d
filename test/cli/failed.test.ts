import assert from 'node:assert/strict';
import * as path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/sim';
import { cli, readJsonl, SMALL_FILE, tempWorkspace } from './support';

describe('convforge generate: failed conversations', function () {
  this.timeout(60_000);
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({ limits: { default: { requestsPerMinute: 6000 } }, burstSeconds: 60 });
  });
  after(() => sim.close());

  it('are recorded with their reason, reported (exit 1) until retried, and --retry-failed completes them', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 6) });
    const env = { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: sim.url };
    const common = ['generate', '.', '--concurrency', '1', '--max-attempts', '1'];
    sim.configure({ faults: { script: [{ kind: 'server_error', count: 2 }] } });

    const first = await cli([...common, '--json'], ws, { env });
    assert.equal(first.code, 1, first.stderr);
    const s1 = JSON.parse(first.stdout) as { generated: number; failed: number };
    assert.deepEqual([s1.generated, s1.failed], [4, 2]);
    const failures = readJsonl(path.join(ws, 'out/alpha.failed.jsonl')) as { kind: string; reason: string }[];
    assert.equal(failures.length, 2);
    assert.equal(failures[0]!.kind, 'server');
    assert.match(failures[0]!.reason, /500/);

    const second = await cli(common, ws, { env });
    assert.equal(second.code, 1, 'the dataset is still incomplete');
    assert.match(second.stdout, /2 conversation\(s\) failed in an earlier run and were not retried: add --retry-failed/);

    const third = await cli([...common, '--retry-failed', '--json'], ws, { env });
    assert.equal(third.code, 0, third.stderr);
    const s3 = JSON.parse(third.stdout) as { generated: number; skippedFailed: number };
    assert.deepEqual([s3.generated, s3.skippedFailed], [2, 0]);
    assert.equal(readJsonl(path.join(ws, 'out/alpha.jsonl')).length, 6);
  });

  it('that fail validation keep the rejected text of the last attempt in the failures file, and the report counts them by kind', async () => {
    sim.configure({ faults: {} });
    // The simulator cuts an answer at max_tokens and says so: every attempt is turned down.
    const file = SMALL_FILE('cut', 2).replace('max_tokens: 1024', 'max_tokens: 16');
    const ws = tempWorkspace({ 'a.forge.yaml': file });
    const env = { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: sim.url };
    const run = await cli(['generate', '.', '--concurrency', '1', '--max-attempts', '2', '--json'], ws, { env });
    assert.equal(run.code, 1, run.stderr);
    type Line = {
      kind: string;
      attempts: number;
      rejected?: { messages: { role: string; content: string }[]; raw?: boolean; rule?: string };
    };
    const failures = readJsonl(path.join(ws, 'out/cut.failed.jsonl')) as Line[];
    assert.equal(failures.length, 2);
    for (const f of failures) {
      assert.equal(f.kind, 'invalid_output');
      assert.equal(f.attempts, 2);
      assert.equal(f.rejected?.rule, 'stop_reason');
      assert.equal(f.rejected?.raw, true);
      assert.equal(f.rejected?.messages.length, 1);
      assert.ok(f.rejected!.messages[0]!.content.length > 0, 'the cut text is kept');
    }

    const report = await cli(['report', 'out/cut.jsonl', '--json'], ws, { env });
    assert.equal(report.code, 0, report.stderr);
    const r = JSON.parse(report.stdout) as { failures: { total: number; byKind: Record<string, number> } };
    assert.deepEqual(r.failures, { total: 2, byKind: { invalid_output: 2 } });
    const text = await cli(['report', 'out/cut.jsonl'], ws, { env });
    assert.match(text.stdout, /Validation failures: 2 \(invalid_output 2\)\n {2}rejected text kept in out\/cut\.failed\.jsonl /);
  });
});
