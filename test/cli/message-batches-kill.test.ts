import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPromptFile, specIdAt } from '../../src/core/generate/prompt-file';
import type { PromptFile } from '../../src/core/generate/types';
import { customIdFor } from '../../src/core/message-batches/custom-ids';
import { modelLookup } from '../../src/engine';
import { startSimulator, type SimulatorHandle } from '../../src/sim';
import type { MessageBatchStats } from '../../src/sim/message-batches/batch-stats';
import { readJsonl, tempWorkspace } from './support';

const MAIN = path.resolve(__dirname, '../../src/cli/main.ts');

const FILE = (name: string, count: number, strategy: string, turns: number) => `name: ${name}
model: claude-haiku-5-5
count: ${count}
turns: ${turns}
strategy: ${strategy}
mode: batch
prompt: A short exchange about {{topic}}.
variables:
  topic: [tea, kites, rivers, tides]
output:
  path: out/${name}.jsonl
`;

type Phase = 'submission' | 'polling' | 'download' | 'random';

/** Kills the CLI (SIGKILL) once `phase` is under way, `delayMs` after that moment. */
function runCli(
  cwd: string,
  sim: SimulatorHandle,
  kill?: { phase: Phase; delayMs: number },
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), MAIN, 'generate', '.', '--yes', '--poll-seconds', '0.6', '-q'],
      {
        cwd,
        env: { ...process.env, ANTHROPIC_API_KEY: 'sk-ant-sim-test', ANTHROPIC_BASE_URL: sim.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', () => undefined);
    let poll: NodeJS.Timeout | undefined;
    if (kill) {
      const before = sim.stats().messageBatches;
      const metaBytes = sizes(cwd);
      const started = (): boolean => {
        const now = sim.stats().messageBatches;
        switch (kill.phase) {
          case 'submission':
            return (
              sidecarText(cwd).includes('"t":"intent"') && sidecarText(cwd).split('"t":"intent"').length > intentsIn(metaBytes.sidecar)
            );
          case 'polling':
            return now.retrieves > before.retrieves;
          case 'download':
            return now.downloads > before.downloads;
          case 'random':
            return true;
        }
      };
      let fired = false;
      poll = setInterval(() => {
        if (fired || !started()) return;
        fired = true;
        setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
      }, 5);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (poll) clearInterval(poll);
      resolve({ code, signal, stderr });
    });
  });
}

function sidecars(cwd: string): string[] {
  const dir = path.join(cwd, 'out');
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.message-batches.jsonl'))
        .map((f) => path.join(dir, f))
    : [];
}

function sidecarText(cwd: string): string {
  return sidecars(cwd)
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('');
}

function sizes(cwd: string): { sidecar: string } {
  return { sidecar: sidecarText(cwd) };
}

function intentsIn(text: string): number {
  return text.split('"t":"intent"').length;
}

async function simStats(sim: SimulatorHandle): Promise<MessageBatchStats> {
  const res = await fetch(`${sim.url}/_sim/stats`);
  return ((await res.json()) as { messageBatches: MessageBatchStats }).messageBatches;
}

async function parsed(ws: string, name: string): Promise<PromptFile> {
  const r = await loadPromptFile(path.join(ws, `${name}.forge.yaml`), { workspaceRoot: ws, ...modelLookup() });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.file;
}

describe('convforge generate in Message Batches mode survives SIGKILL at any moment', function () {
  this.timeout(300_000);
  let sim: SimulatorHandle;
  afterEach(async () => sim?.close());

  it('after kill -9 during submission, polling and download, every custom_id was submitted once per needed attempt, no extra batch was made, and every conversation is in the dataset once', async () => {
    const ws = tempWorkspace({
      'alpha.forge.yaml': FILE('alpha', 24, 'single', 2),
      'beta.forge.yaml': FILE('beta', 5, 'turns', 4),
    });
    const alpha = await parsed(ws, 'alpha');
    const beta = await parsed(ws, 'beta');
    // Two requests come back errored (retryable) and one expired on their first submission: each needs exactly one more.
    const errored = [customIdFor(specIdAt(alpha, 3)), customIdFor(specIdAt(beta, 1), 2)];
    const expired = [customIdFor(specIdAt(alpha, 7))];
    sim = await startSimulator({
      host: '127.0.0.1',
      port: 0,
      messageBatches: {
        processingSeconds: 1.2,
        notFoundSeconds: 0.3,
        brokenDownloads: 2,
        outcomes: { errored: { customIds: errored, errorType: 'overloaded_error' }, expired: { customIds: expired } },
      },
    });

    const phases: Phase[] = ['submission', 'polling', 'download', 'random'];
    const delays = [0, 40, 5, 150, 20, 80, 0, 300, 10, 60, 120, 30];
    let killed = 0;
    for (let i = 0; i < delays.length; i++) {
      const r = await runCli(ws, sim, { phase: phases[i % phases.length]!, delayMs: delays[i]! });
      if (r.signal === 'SIGKILL') killed++;
      else assert.ok(r.code === 0, `a run that was not killed must succeed: ${r.stderr}`);
    }
    assert.ok(killed >= 10, `expected at least 10 kills, got ${killed}`);
    const final = await runCli(ws, sim);
    assert.equal(final.code, 0, final.stderr);

    const stats = await simStats(sim);
    const known = new Set(
      sidecarText(ws)
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { t: string; batchId?: string })
        .filter((l) => l.t === 'created')
        .map((l) => l.batchId),
    );
    assert.equal(stats.created, known.size, 'every batch the simulator made is in a journal: none was created blindly');
    const needed = new Map<string, number>();
    for (let i = 0; i < alpha.count; i++) needed.set(customIdFor(specIdAt(alpha, i)), 1);
    for (let i = 0; i < beta.count; i++) for (let m = 1; m <= 4; m++) needed.set(customIdFor(specIdAt(beta, i), m), 1);
    for (const c of [...errored, ...expired]) needed.set(c, 2);
    assert.deepEqual(
      Object.fromEntries(Object.entries(stats.submittedByCustomId).sort()),
      Object.fromEntries([...needed].sort()),
      'each custom_id submitted once per needed attempt',
    );
    for (const [file, count] of [
      [alpha, 24],
      [beta, 5],
    ] as const) {
      const meta = readJsonl(file.output.path.replace(/\.jsonl$/, '.meta.jsonl')) as { id: string }[];
      assert.equal(readJsonl(file.output.path).length, count);
      assert.equal(new Set(meta.map((m) => m.id)).size, count);
      assert.equal(meta.length, count, `${file.name}: every conversation exactly once`);
    }
  });
});
