import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/commands';

/**
 * Online vs Message Batches, side by side in one run: the same prompt file generated through the
 * Messages API and as Message Batches, each by the real CLI (in-process) against a fresh built-in
 * simulator (`--simulate`, batches processed in 5 s). Prints cost per conversation (the ratio is the
 * batch discount as actually billed, cache tiers included) and what waiting cost in HTTP calls.
 */
interface Scenario {
  name: string;
  file: string;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'single: 400 conversations, 6 messages in one request (claude-haiku-5-5)',
    file: `name: bench\nmodel: claude-haiku-5-5\ncount: 400\nturns: 6\nstrategy: single\nprompt: A {{who}} asks about {{what}}.\nvariables:\n  who: [student, teacher, parent, engineer]\n  what: [fractions, gravity, tides, kites, rivers]\n`,
  },
  {
    name: 'turns: 40 conversations x 4 messages, one batch round per message (claude-haiku-5-5)',
    file: `name: bench\nmodel: claude-haiku-5-5\ncount: 40\nturns: 4\nstrategy: turns\nprompt: A {{who}} asks about {{what}}.\nvariables:\n  who: [student, teacher]\n  what: [fractions, gravity, tides]\n`,
  },
];

interface Summary {
  generated: number;
  costUsd: number;
  wallSeconds: number;
  requests: number;
  messageBatches?: { batches: number; calls: Record<string, number> };
}

async function generate(file: string, mode: 'online' | 'batch'): Promise<Summary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-bench-mb-'));
  fs.writeFileSync(path.join(dir, 'bench.forge.yaml'), file);
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    cwd: dir,
    env: {},
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
    onInterrupt: () => undefined,
  };
  const code = await runCli(['generate', 'bench.forge.yaml', '--simulate', '--mode', mode, '--json', '-q', '--yes'], io);
  fs.rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`${mode} run failed (${code}): ${stderr}`);
  return JSON.parse(stdout) as Summary;
}

export async function runMessageBatches(log: (line: string) => void): Promise<unknown> {
  const results: unknown[] = [];
  for (const s of SCENARIOS) {
    const online = await generate(s.file, 'online');
    const batch = await generate(s.file, 'batch');
    const per = (x: Summary) => x.costUsd / Math.max(1, x.generated);
    const calls = batch.messageBatches?.calls ?? {};
    const polls = (calls['retrieve'] ?? 0) + (calls['list'] ?? 0);
    const all = Object.values(calls).reduce((n, c) => n + c, 0);
    log(`## ${s.name}`);
    log(`  online : $${per(online).toFixed(6)} per conversation, ${online.requests} Messages requests, ${online.wallSeconds.toFixed(1)} s`);
    log(
      `  batch  : $${per(batch).toFixed(6)} per conversation, ${batch.messageBatches?.batches ?? 0} Message Batches, ${polls} polls (retrieve + list), ${all} batch-endpoint calls in all, ${batch.wallSeconds.toFixed(1)} s`,
    );
    log(
      `  batch / online cost per conversation: ${(per(batch) / per(online)).toFixed(3)}x; polls per conversation: ${(polls / Math.max(1, batch.generated)).toFixed(3)}`,
    );
    results.push({ scenario: s.name, online, batch, costRatio: per(batch) / per(online), polls, batchCalls: all });
  }
  return results;
}
