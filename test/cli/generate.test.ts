import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, journalRecords, readJsonl, SMALL_FILE, tempWorkspace } from './support';

describe('convforge generate (in-process, against the built-in simulator)', function () {
  this.timeout(60_000);

  it('generates valid datasets, prints a JSON summary, and a second run skips everything', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 10), 'b.forge.yaml': SMALL_FILE('beta', 6) });
    const first = await cli(['generate', '.', '--simulate', '--json', '--rpm', '3000'], ws);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as Record<string, number | string | boolean>;
    assert.equal(summary['generated'], 16);
    assert.equal(summary['failed'], 0);
    assert.equal(summary['simulated'], true);
    assert.ok((summary['requests'] as number) >= 16);
    assert.ok((summary['costUsd'] as number) > 0);
    const records = readJsonl(path.join(ws, 'out/alpha.simulated.jsonl')) as { messages: { role: string }[] }[];
    assert.equal(records.length, 10);
    for (const r of records) {
      assert.deepEqual(
        r.messages.map((m) => m.role),
        ['system', 'user', 'assistant', 'user', 'assistant'],
      );
    }
    assert.equal(fs.existsSync(path.join(ws, 'out/alpha.jsonl')), false, 'a dry run never writes the real dataset');

    const second = await cli(['generate', '.', '--simulate', '--json'], ws);
    assert.equal(second.code, 0);
    const again = JSON.parse(second.stdout) as Record<string, number>;
    assert.equal(again['generated'], 0);
    assert.equal(again['skipped'], 16);
    assert.equal(again['requests'], 0);
    assert.equal(readJsonl(path.join(ws, 'out/alpha.simulated.jsonl')).length, 10);
  });

  it('refuses broken prompt files with exit 2, naming file, line and field, and sends nothing', async () => {
    const ws = tempWorkspace({ 'bad.forge.yaml': SMALL_FILE('bad', 3).replace('turns: 4', 'turns: six') });
    const r = await cli(['generate', '.', '--simulate'], ws);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.forge\.yaml:4:8: turns: expected .*got "six"/);
    assert.match(r.stderr, /Nothing was sent/);
    assert.equal(fs.existsSync(path.join(ws, 'out')), false);
  });

  it('without ANTHROPIC_API_KEY (and no --simulate) exits 2 with a hint', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 1) });
    const r = await cli(['generate', 'a.forge.yaml'], ws, { env: {} });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ANTHROPIC_API_KEY is not set.*--simulate/);
  });

  it('a budget stops dispatch before the request that would exceed it (exit 1, nothing beyond it)', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 40) });
    // haiku: $0.10/M in, $0.50/M out; each request's upper bound is ~1,024 output tokens -> ~$0.0005
    const r = await cli(['generate', '.', '--simulate', '--json', '--budget', '0.004', '--concurrency', '2'], ws);
    assert.equal(r.code, 1, r.stderr);
    const s = JSON.parse(r.stdout) as { generated: number; costUsd: number; stopReason: { kind: string } };
    assert.equal(s.stopReason.kind, 'budget');
    assert.ok(s.costUsd <= 0.004, `spent ${s.costUsd}`);
    assert.ok(s.generated > 0 && s.generated < 40);
  });

  it('Ctrl-C stops cleanly with exit 130 and the next run resumes without duplicates', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 30) });
    // Ctrl-C once the first conversation is on disk (not after a fixed time: a busy machine may
    // not even have started by then); at 120 RPM the other 29 are seconds away.
    const dataset = path.join(ws, 'out/alpha.simulated.jsonl');
    let poll: NodeJS.Timeout | undefined;
    const r = await cli(['generate', '.', '--simulate', '--json', '--rpm', '120'], ws, {
      interrupt: (fire) => {
        poll = setInterval(() => {
          if (fs.existsSync(dataset) && fs.readFileSync(dataset, 'utf8').includes('\n')) {
            clearInterval(poll);
            fire();
          }
        }, 10);
      },
    });
    clearInterval(poll);
    assert.equal(r.code, 130, r.stderr);
    const partial = readJsonl(path.join(ws, 'out/alpha.simulated.jsonl')).length;
    assert.ok(partial > 0 && partial < 30, `partial ${partial}`);
    const rest = await cli(['generate', '.', '--simulate', '--json', '--rpm', '3000'], ws);
    assert.equal(rest.code, 0, rest.stderr);
    const meta = journalRecords(path.join(ws, 'out/alpha.simulated.meta.jsonl')) as { id: string }[];
    assert.equal(meta.length, 30);
    assert.equal(new Set(meta.map((m) => m.id)).size, 30);
    assert.equal(readJsonl(path.join(ws, 'out/alpha.simulated.jsonl')).length, 30);
  });

  it('estimate prints the binding limit; validate reports counts; usage errors exit 2', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 12) });
    const e = await cli(['estimate', '.', '--simulate', '--rpm', '60'], ws);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /Estimate: 12 conversations, 12 requests, ~\$[\d.]+; ~\d+ s, bound by requests \(60 RPM\)/);
    const v = await cli(['validate', '.'], ws);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /1 prompt file\(s\) valid: 12 conversations/);
    const u = await cli(['generate', '.', '--rpm', 'fast'], ws);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /--rpm: expected an integer from 1 up, got `fast`/);
  });
});
