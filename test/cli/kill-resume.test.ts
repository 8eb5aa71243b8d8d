import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { journalRecords, readJsonl, SMALL_FILE, tempWorkspace } from './support';

const MAIN = path.resolve(__dirname, '../../src/cli/main.ts');

function runCliProcess(
  cwd: string,
  args: string[],
  killAfterMs?: number,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), MAIN, ...args], {
      cwd,
      env: { ...process.env, ANTHROPIC_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let wrote = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', () => undefined);
    if (killAfterMs !== undefined) {
      // Kill only once generation is under way (the dataset exists), at a varying moment after.
      const poll = setInterval(() => {
        if (!wrote && fs.existsSync(path.join(cwd, 'out/alpha.simulated.meta.jsonl'))) {
          wrote = true;
          setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        }
      }, 20);
      child.on('exit', () => clearInterval(poll));
    }
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('convforge generate survives SIGKILL at any moment', function () {
  this.timeout(120_000);

  it('after repeated kill -9 mid-run, resuming ends with every conversation exactly once and every line whole', async () => {
    const ws = tempWorkspace({
      'a.forge.yaml': SMALL_FILE('alpha', 60, ''),
      'b.forge.yaml': SMALL_FILE('beta', 20).replace('turns: 4', 'turns: 4\nstrategy: turns'),
    });
    const kills = [40, 260, 5, 520, 130, 90];
    let killed = 0;
    for (const ms of kills) {
      const r = await runCliProcess(ws, ['generate', '.', '--simulate', '--rpm', '600', '-q'], ms);
      if (r.signal === 'SIGKILL') killed++;
      else assert.equal(r.code, 0, `a run that was not killed must succeed: ${r.stderr}`);
      // After every crash the files must already be consistent enough to resume from.
      for (const name of ['alpha', 'beta']) {
        const file = path.join(ws, `out/${name}.simulated.jsonl`);
        if (fs.existsSync(file)) {
          const text = fs.readFileSync(file, 'utf8');
          const lines = text.split('\n');
          // Every whole line parses; at most the last (uncommitted) line may be torn, and it is repaired on open.
          lines.slice(0, -1).forEach((l, i) => assert.doesNotThrow(() => JSON.parse(l), `${name} line ${i + 1}`));
        }
      }
    }
    assert.ok(killed >= 3, `expected most runs to be killed mid-way, got ${killed}`);
    const final = await runCliProcess(ws, ['generate', '.', '--simulate', '--rpm', '3000', '-q']);
    assert.equal(final.code, 0, final.stderr);
    for (const [name, count] of [
      ['alpha', 60],
      ['beta', 20],
    ] as const) {
      const records = readJsonl(path.join(ws, `out/${name}.simulated.jsonl`));
      const meta = journalRecords(path.join(ws, `out/${name}.simulated.meta.jsonl`)) as { id: string; offset: number; length: number }[];
      assert.equal(records.length, count, `${name}: records`);
      assert.equal(meta.length, count, `${name}: journal entries`);
      assert.equal(new Set(meta.map((m) => m.id)).size, count, `${name}: every id exactly once`);
      const bytes = fs.readFileSync(path.join(ws, `out/${name}.simulated.jsonl`));
      for (const m of meta) JSON.parse(bytes.subarray(m.offset, m.offset + m.length).toString('utf8'));
    }
  });
});
