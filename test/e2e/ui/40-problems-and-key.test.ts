// (f) A broken prompt file's error in the Problems panel at the right line; (g) Set API Key
// through the input box, and the key never shows up in the output channel, settings or webview.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OUTPUT_CHANNEL_NAME } from '../../../src/vscode/ids';
import { scenario } from '../support/define-scenario';
import { waitFor } from '../support/scenario';
import { datasetFile, generateCurrent, openPanel, waitDatasetLines } from '../support/run-helpers';

const KEY = 'sk-ant-e2e-' + 'k3y-that-must-never-leak-' + String(process.pid);

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}

describe('problems and secrets', () => {
  scenario('f-problems: a broken prompt file shows its error in the Problems panel on line 4', {}, async (s) => {
    await s.wb.openFile('broken.forge.yaml');
    await s.wb.runCommand('validate');
    const rows = await s.wb.waitProblem(/priorty/, 30_000);
    const row = rows.find((r) => /priorty/.test(r))!;
    assert.match(row, /\bLn 4\b|line 4\b|\b4:1\b/i, `wrong line in ${JSON.stringify(row)}`);
    assert.ok(
      rows.some((r) => /broken\.forge\.yaml/.test(r)),
      `no row names broken.forge.yaml: ${JSON.stringify(rows)}`,
    );
    // the good prompt files have no problems
    assert.ok(!rows.some((r) => /small\.forge\.yaml|long\.forge\.yaml/.test(r)), `problems in good files: ${JSON.stringify(rows)}`);
    await s.wb.step('problems');
  });

  scenario(
    'g-api-key: Set API Key via the input box; the key is used and never shown',
    // only the key typed into the input box opens the simulator (not the environment's)
    { simulator: { acceptKey: (k) => k === KEY } },
    async (s) => {
      await s.wb.runCommand('setApiKey');
      await s.wb.fillInputBox(KEY, { expectPrompt: /api key|sk-ant/i });
      await s.wb.step('key-set');
      await generateCurrent(s, 'small.forge.yaml');
      await waitDatasetLines(datasetFile(s, 'small'), 6, 60_000);
      assert.ok(s.sim.stats().messages >= 6);

      const output = await s.wb.readOutputChannel(OUTPUT_CHANNEL_NAME);
      assert.ok(output.trim().length > 0, 'the output channel is empty: the leak check would prove nothing');
      assert.ok(!output.includes(KEY), 'the API key is in the output channel');

      const server = path.dirname(s.harness.server.userDataDir);
      const candidates = [
        path.join(s.harness.server.userDataDir, 'User', 'settings.json'),
        path.join(s.workspace, '.vscode', 'settings.json'),
        ...filesUnder(path.join(s.harness.server.userDataDir, 'logs')),
        ...filesUnder(path.join(server, 'xdg-data')),
        s.harness.server.logFile,
      ];
      const leaking = candidates.filter((f) => fs.existsSync(f) && fs.readFileSync(f, 'latin1').includes(KEY));
      assert.deepEqual(
        leaking.map((f) => path.relative(s.harness.runDir, f)),
        [],
        'the API key is written to disk in plain text',
      );
      // round trip: cleared from secret storage, the environment's key (which this simulator
      // refuses) is used again, so a new run cannot authenticate
      await s.wb.runCommand('clearApiKey');
      const before = s.sim.stats().byStatus['401'] ?? 0;
      await fs.promises.rm(path.dirname(datasetFile(s, 'small')), { recursive: true, force: true });
      await generateCurrent(s, 'small.forge.yaml');
      await waitFor('a 401 with the environment key', () => ((s.sim.stats().byStatus['401'] ?? 0) > before ? true : undefined), 30_000);
      await s.wb.dismissDialogs();

      await openPanel(s);
      await s.wb
        .webview()
        .locator('.progress-text')
        .filter({ hasText: /\d+ \/ \d+/ })
        .waitFor({ timeout: 20_000 });
      assert.ok(!(await s.wb.webviewHtml()).includes(KEY), 'the API key is in the webview DOM');
      assert.ok(!(await s.page.content()).includes(KEY), 'the API key is in the workbench DOM');
    },
  );
});
