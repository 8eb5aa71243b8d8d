// What ships: the output channel names the version that runs (and the host it runs in), and the
// two screenshots the marketplace README shows are taken here, from a real run in the real host,
// into test-results/e2e/<host>/marketplace/ (copy them to media/marketplace/ to refresh the README).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OUTPUT_CHANNEL_NAME } from '../../../src/vscode/ids';
import { FORGE_VERSION } from '../../../src/core/version';
import { scenario } from '../support/define-scenario';
import { currentHost } from '../support/hosts';
import { ensureDir, RESULTS_DIR } from '../support/paths';
import { generateCurrent, openPanel, stats } from '../support/run-helpers';
import { waitFor } from '../support/scenario';
import { shootTooltipTo } from '../support/ui-states';

const SHOTS = path.join(RESULTS_DIR, 'marketplace');
/** Prompt-file paths in the panel's grids: absolute paths of the test machine, not for a README. */
const MACHINE_PATHS = '.batch-source, .job-row > vscode-data-grid-cell[grid-column="6"]';

describe('shipping', () => {
  scenario('provenance: the output channel opens with the version and the host', {}, async (s) => {
    // the channel exists once the extension has activated (the workspace holds prompt files)
    const expected = new RegExp(
      `Conversation Forge ${FORGE_VERSION.replace(/\./g, '\\.')} on VS Code ${currentHost().vscode.replace(/\./g, '\\.')} \\(`,
    );
    let text = '';
    await waitFor(
      'the version line in the output channel',
      async () => {
        // the editor renders spaces as no-break spaces
        text = (
          await s.wb.readOutputChannel(OUTPUT_CHANNEL_NAME).catch(async () => {
            await s.wb.closeQuickInput();
            return '';
          })
        ).replace(/\u00a0/g, ' ');
        return expected.test(text) ? true : undefined;
      },
      90_000,
    ).catch(() => assert.fail(`output channel: ${JSON.stringify(text.slice(0, 400))}, expected ${expected}`));
  });

  scenario(
    'screenshots: the queue panel and the status bar mid-run, for the marketplace README',
    {
      settings: { 'conversationForge.maxConcurrency': 3 },
      simulator: { latency: { baseMs: 900, perOutputTokenMs: 1, jitterMs: 50 } },
    },
    async (s) => {
      await s.page.setViewportSize({ width: 1280, height: 800 });
      await generateCurrent(s, 'long.forge.yaml');
      const view = await openPanel(s);
      // the panel is what the picture is about: no side bar, its editor group maximized (where
      // the host has these commands; the picture is still taken without them)
      for (const command of ['View: Close Primary Side Bar', 'View: Toggle Maximize Editor Group']) {
        await s.wb.runCommand(command, 10_000).catch(() => s.wb.closeQuickInput());
      }
      await view.locator('.run-state.run-running').waitFor({ timeout: 30_000 });
      // far enough in that gauges, throughput and the job grid have something to show
      await waitFor('a quarter of the run', () => (stats(s).messages >= 10 ? true : undefined), 60_000);
      await view.locator('.job-row').first().waitFor({ timeout: 10_000 });
      ensureDir(SHOTS);
      const panel = path.join(SHOTS, 'panel.png');
      // hidden through the CSSOM (the webview's CSP refuses injected stylesheets, and Playwright's
      // screenshot `style` does not reach the webview's out-of-process frames)
      await view
        .locator(MACHINE_PATHS)
        .evaluateAll((els) => els.forEach((e) => ((e as unknown as { style: { visibility: string } }).style.visibility = 'hidden')));
      await s.page.screenshot({ path: panel });

      // the status-bar item with its tooltip open, cropped to that corner of the window (hovered
      // again if the tooltip closes while it is read: it is redrawn every second during a run)
      const status = path.join(SHOTS, 'status-bar.png');
      await shootTooltipTo(s, status, 'the marketplace status-bar shot');
      for (const f of [panel, status]) assert.ok(fs.statSync(f).size > 2_000, `${f} is empty`);
      await s.wb.step('after-screenshots');
    },
    180_000,
  );
});
