// A VS Code window and `convforge` in a terminal, one API key, one simulator whose limit either of
// them could fill alone: sharing the budget through the local state file keeps them, together,
// under it (issue: one budget per API key).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sampleSimulator, startCli, timeOfMessages, type Sample } from '../../support/shared-run';
import { scenario } from '../support/define-scenario';
import { ENV_API_KEY, sharedStateDir } from '../support/harness';
import { datasetFile, generateCurrent, openPanel, stats, waitDatasetLines } from '../support/run-helpers';
import { waitFor } from '../support/scenario';
import { readJsonLines } from '../support/workbench';

const RPM = 120;
const ITPM = 5_000_000;
const OTPM = 1_000_000;
// 1,024 tokens: at 512 the simulator's answer to the 45th conversation ran past max_tokens at
// every attempt, so one conversation failed as truncated and the CLI exited with 1.
const CLI_CONVERSATIONS = 80;
const CLI_FILE = (count: number) => `name: cli
model: claude-haiku-5-5
count: ${count}
max_tokens: 1024
prompt: A {{who}} asks about {{what}}.
variables:
  who: [student, teacher]
  what: [fractions, gravity, tides]
output:
  path: out/cli.jsonl
  format: openai
`;

/**
 * When the 429s came (s after the first message) and the longest stall of this process, which
 * hosts the simulator, in the second before each: the sampler's delay beyond its 200 ms period.
 */
function whenRateLimited(samples: readonly Sample[]): string {
  const first = timeOfMessages(samples, 1);
  const at: string[] = [];
  for (let i = 1; i < samples.length; i++) {
    if (samples[i]!.rateLimited === samples[i - 1]!.rateLimited) continue;
    const t = samples[i]!.at;
    let stall = 0;
    for (let j = 1; j <= i; j++) if (samples[j]!.at >= t - 1_000) stall = Math.max(stall, samples[j]!.at - samples[j - 1]!.at - 200);
    at.push(`${((t - first) / 1000).toFixed(1)} s (simulator stalled ${stall} ms)`);
  }
  return at.length === 0 ? 'none' : `429s at ${at.join(', ')}`;
}

/** What the CLI recorded as failed (it runs with -q, so its stderr may say nothing). */
function cliFailures(workspace: string): string {
  const out = path.join(workspace, 'out');
  if (!fs.existsSync(out)) return 'no output folder';
  const failed = fs.readdirSync(out).filter((f) => f.includes('failed'));
  const meta = path.join(out, 'cli.meta.jsonl');
  const errors = fs.existsSync(meta)
    ? fs
        .readFileSync(meta, 'utf8')
        .split('\n')
        .filter((l) => /"error"|"failed"/.test(l))
        .slice(0, 3)
    : [];
  return `files ${fs.readdirSync(out).join(', ')}; failed files ${failed.join(', ') || 'none'}; ${errors.join(' | ') || 'no error in the journal'}`;
}

describe('shared limits', () => {
  scenario(
    'l-shared-with-cli: a VS Code window and the CLI on one key share one budget: no 429, every conversation once',
    {
      simulator: {
        limits: { default: { requestsPerMinute: RPM, inputTokensPerMinute: ITPM, outputTokensPerMinute: OTPM } },
        // Enforced over 2 s rather than 1 s: with 1 s the scenario drew two 429s at load 11-13.
        // The simulator runs in this test process beside Playwright, and a stall of it counts
        // requests that arrived apart as one burst (likely the cause; not proven). Two processes
        // that each paced for the whole 120/min would still trip a 2 s window within seconds, so
        // no 429 still means the budget was shared.
        burstSeconds: 2,
        latency: { baseMs: 300, perOutputTokenMs: 1, jitterMs: 50 },
      },
      settings: {
        'conversationForge.limits.requestsPerMinute': RPM,
        'conversationForge.limits.inputTokensPerMinute': ITPM,
        'conversationForge.limits.outputTokensPerMinute': OTPM,
      },
    },
    async (s) => {
      const cliWorkspace = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-e2e-cli-'));
      fs.writeFileSync(path.join(cliWorkspace, 'cli.forge.yaml'), CLI_FILE(CLI_CONVERSATIONS));
      const sampler = sampleSimulator(s.sim);
      // The CLI goes first and the window joins it: the CLI's start-up (tsx compiling the sources)
      // took longer than the window's whole run on a loaded machine, so the two never overlapped.
      // Its state file appears with its first admission; the window starts then, and the CLI's
      // work (twice the window's) keeps it running while the window runs.
      const stateDir = sharedStateDir();
      const stateFiles = () => (fs.existsSync(stateDir) ? fs.readdirSync(stateDir).filter((f) => /^limits-.*\.state$/.test(f)) : []);
      const before = new Set(stateFiles());
      const cli = startCli(cliWorkspace, ['generate', '.', '--rpm', String(RPM), '--itpm', String(ITPM), '--otpm', String(OTPM), '-q'], {
        ANTHROPIC_API_KEY: ENV_API_KEY,
        ANTHROPIC_BASE_URL: s.sim.url,
        CONVFORGE_STATE_DIR: stateDir,
        CONVFORGE_REDIS_URL: '',
      });
      try {
        await waitFor(
          'the CLI to take its first permit from the shared budget',
          async () => (stateFiles().some((f) => !before.has(f)) ? true : undefined),
          120_000,
        );
        await generateCurrent(s, 'long.forge.yaml');
        const view = await openPanel(s);
        await view.locator('.run-state.run-running').waitFor({ timeout: 30_000 });
        // The window sees the terminal's process in the shared budget while both run.
        await waitFor(
          'the panel to say the budget is shared with one other process',
          async () =>
            /shared on this machine with 1 other Forge process/.test(await view.locator('.gauges-sharing').innerText()) ? true : undefined,
          60_000,
        );
        await s.wb.step('panel-shared');
        const result = await cli.done;
        assert.equal(result.code, 0, `the CLI exited with ${result.code}: ${result.stderr || cliFailures(cliWorkspace)}`);
        await waitDatasetLines(datasetFile(s, 'long'), 40, 120_000);
      } finally {
        cli.child.kill('SIGKILL');
        sampler.stop();
      }
      const st = stats(s);
      assert.equal(st.rateLimited, 0, `no 429 together; ${whenRateLimited(sampler.samples)}`);
      const window = readJsonLines(datasetFile(s, 'long'));
      assert.equal(window.lines.length, 40);
      assert.deepEqual(window.invalid, []);
      const terminal = fs
        .readFileSync(path.join(cliWorkspace, 'out/cli.meta.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('{"mark":')); // duplicate marks after the run
      assert.equal(new Set(terminal.map((l) => (JSON.parse(l) as { id: string }).id)).size, CLI_CONVERSATIONS);
      const first = timeOfMessages(sampler.samples, 1);
      const last = timeOfMessages(sampler.samples, st.messages);
      const ideal = ((st.messages - RPM / 60) / RPM) * 60_000;
      console.log(
        `      (window + CLI: ${st.messages} messages in ${((last - first) / 1000).toFixed(1)} s at ${RPM} RPM, efficiency ${(ideal / (last - first)).toFixed(3)}, 429s ${st.rateLimited})`,
      );
      fs.rmSync(cliWorkspace, { recursive: true, force: true });
    },
    240_000,
  );
});
