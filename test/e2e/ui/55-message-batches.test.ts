// (m) "Generate as Message Batch" as a user sees it, in the dark and the light theme: the queue
// panel's Message Batches section and the status bar's tooltip while the batch is at the
// (simulated) API, and the panel once its results are written. Screenshotted at each state, the
// texts checked, and the dataset on disk holding every conversation once.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { scenario } from '../support/define-scenario';
import { acceptStartPromptIfAny, assertOpenAiRecords, openPanel, stats, waitDatasetLines, waitText } from '../support/run-helpers';
import { waitFor } from '../support/scenario';
import { gridReport } from '../../webview/support/grid-geometry';
import { STATES_DIR, shootState, shootTooltip } from '../support/ui-states';

const CONVERSATIONS = 24;
const FILE = `# ${CONVERSATIONS} one-request conversations sent as one Message Batch.
name: batched
model: claude-haiku-5-5
count: ${CONVERSATIONS}
turns: 2
max_tokens: 256
strategy: single
system: |
  You write short, realistic customer-support dialogues.
prompt: |
  A {{persona}} asks about {{topic}}.
variables:
  persona: [buyer, seller, reseller]
  topic: [a refund, a late delivery, a damaged item, a wrong size]
output:
  path: datasets/batched.jsonl
  format: openai
`;

/** The Message Batches section alone (below the panel's first screen), as its own PNG. */
async function shootSection(view: FrameLocator, state: string, theme: string): Promise<void> {
  const section = view.locator('.message-batches-section');
  await section.scrollIntoViewIfNeeded();
  const file = path.join(STATES_DIR, `${state}-${theme}-section.png`);
  await section.screenshot({ path: file });
  assert.ok(fs.statSync(file).size > 1_000, `${file} is empty`);
}

const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' } as const;

describe('a Message Batch run in the panel and the status bar (screenshots)', () => {
  for (const [theme, colorTheme] of Object.entries(THEMES)) {
    scenario(
      `m-message-batch-${theme}: submitted, waiting at the API, results written; half price; screenshots`,
      {
        files: { 'batched.forge.yaml': FILE },
        settings: { 'workbench.colorTheme': colorTheme },
        // Long enough at the API that the waiting state is seen and shot; the first poll comes
        // 5 s after create and they back off from there. At load 18 the checks of the waiting
        // state took over 20 s, and the batch had ended before its tooltip was read.
        simulator: { messageBatches: { processingSeconds: 45 } },
      },
      async (s) => {
        await s.wb.openFile('batched.forge.yaml');
        await s.wb.runCommand('generateAsMessageBatch');
        await acceptStartPromptIfAny(s.wb);
        await s.wb.step('generate-started');
        const view = await openPanel(s);

        // waiting: one Message Batch in progress, its requests processing at the API
        const row = view.locator('.message-batches-section .message-batch').first();
        await row.waitFor({ timeout: 60_000 });
        await waitFor(
          'the Message Batch shown as in progress',
          async () => {
            const text = await row.innerText({ timeout: 1_000 }).catch(() => '');
            return /in[ _]progress/i.test(text) && text.includes(String(CONVERSATIONS)) ? text : undefined;
          },
          30_000,
          100,
        );
        const sim = stats(s).messageBatches;
        assert.equal(sim.created, 1, `one Message Batch for ${CONVERSATIONS} conversations`);
        assert.equal(stats(s).messages, 0, 'nothing went through the Messages endpoint');
        // what the run is doing: waiting at the API, not "running below the limits", no made-up time
        await view.locator('.pace.pace-atApi').waitFor({ timeout: 15_000 });
        await waitText(
          view.locator('.pace'),
          /^At the API: 1 Message Batch with 24 requests processing; usually within an hour/,
          'the pace line',
        );
        await waitText(view.locator('.stat-eta .stat-value'), '≤ 24 h (usually < 1 h)', 'the time left');
        await waitText(view.locator('.work-text'), /^0 of 24 requests in Message Batches · 0 % of the work$/, 'the work line');
        const st = await s.wb.waitStatus((x) => /At the API · 0\/24 done · 1 Message Batch/.test(x.text), 15_000);
        assert.equal(st.kind, 'standard', 'waiting on the API is not an alarm');
        for (const grid of ['.batches table', '.message-batches']) {
          const report = await gridReport(view.locator(grid));
          assert.deepEqual(report.misaligned, [], `${grid} cells leave their header's column`);
          assert.equal(report.overflowPx, 0, `${grid} runs ${report.overflowPx}px off the panel`);
        }
        await shootState(s, 'message-batch-waiting', theme);
        await shootSection(view, 'message-batch-waiting', theme);
        const tooltip = await shootTooltip(s, 'message-batch-waiting', theme);
        assert.match(tooltip, /Message Batches \(1\):/, `tooltip: ${tooltip}`);
        assert.match(tooltip, /msgbatch_\S+/, `tooltip names the batch: ${tooltip}`);
        assert.match(tooltip, /Time left: ≤ 24 h \(usually < 1 h\)/, `tooltip: ${tooltip}`);
        assert.doesNotMatch(tooltip, /Running below the limits|~0 s/, `tooltip: ${tooltip}`);

        // results: every conversation written once, the batch ended, the run finished
        const file = path.join(s.workspace, 'datasets', 'batched.jsonl');
        const lines = await waitDatasetLines(file, CONVERSATIONS, 120_000);
        assert.equal(lines.length, CONVERSATIONS);
        assertOpenAiRecords(lines, 2);
        await view.locator('.pace.pace-finished').waitFor({ timeout: 60_000 });
        await waitFor(
          'the Message Batch shown as ended',
          async () => {
            const text = await row.innerText({ timeout: 1_000 }).catch(() => '');
            return /ended/i.test(text) ? text : undefined;
          },
          30_000,
          100,
        );
        const status = await s.wb.waitStatus((st) => st.text.includes(`${CONVERSATIONS}/${CONVERSATIONS} done`), 15_000);
        assert.equal(status.kind, 'standard', `finished is not coloured: ${status.text}`);
        assert.equal(stats(s).messageBatches.requestsSubmitted, CONVERSATIONS, 'each conversation submitted once');
        await waitText(
          view.locator('.estimate-check'),
          /^Time: took (\d+ min )?\d+ s, waiting on Message Batches \(no time estimate: usually within an hour, 24 h at most\)\. Cost: estimated \$0\.00\d\d, spent \$0\.00\d\d/,
          'the estimate check',
        );
        await shootState(s, 'message-batch-finished', theme);
        // the finished toast sits over the section's corner of the panel
        await s.wb.runCommand('Notifications: Clear All Notifications', 10_000).catch(() => s.wb.closeQuickInput());
        await shootSection(view, 'message-batch-finished', theme);
        const summary = await view.locator('body').innerText();
        console.log(`      panel (${theme}): ${JSON.stringify(summary.slice(0, 600))}`);
        console.log(`      tooltip (${theme}): ${JSON.stringify(tooltip)}`);
      },
      240_000,
    );
  }
});
