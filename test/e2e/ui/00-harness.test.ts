// The harness itself: the host starts, the VSIX is installed and the extension activates, the
// palette knows the extension's commands, and the in-host launcher propagates exit codes.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { CATEGORY, COMMANDS, EXTENSION_ID } from '../../../src/vscode/ids';
import { scenario } from '../support/define-scenario';
import { getHarness, recordWallTime } from '../support/harness';
import { runInHostSuite } from '../support/in-host-code-server';
import { SEL } from '../support/selectors';

describe('harness', () => {
  it('installs the packaged VSIX into code-server', async function () {
    this.timeout(300_000);
    const h = await getHarness();
    const listed = execFileSync(
      h.host.node,
      [
        h.host.codeServerJs,
        '--user-data-dir',
        path.join(h.runDir, 'ui', 'user-data'),
        '--extensions-dir',
        path.join(h.runDir, 'ui', 'extensions'),
        '--list-extensions',
        '--show-versions',
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          ...h.host.env,
          XDG_CONFIG_HOME: path.join(h.runDir, 'ui', 'xdg-config'),
          XDG_DATA_HOME: path.join(h.runDir, 'ui', 'xdg-data'),
        },
      },
    );
    assert.match(listed, new RegExp(`^${EXTENSION_ID.replace('.', '\\.')}@`, 'm'));
  });

  scenario(
    'palette: every Conversation Forge command is in the command palette, but Pause, Resume and Cancel only during a run',
    {},
    async ({ wb, page }) => {
      // wait until the workbench has the extension's contributions, then list the category
      await wb.findInPalette('showPanel', 30_000);
      await page.locator(SEL.quickInputBox).fill(`>${CATEGORY}:`);
      await page.waitForTimeout(500);
      const rows = new Set<string>();
      // the list is virtualised: scroll through it and collect every row's label
      for (let i = 0; i < Object.keys(COMMANDS).length + 2; i++) {
        for (const t of await page.locator(SEL.quickInputRow).allInnerTexts()) rows.add(t.split('\n')[0]!.trim());
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Escape');
      const runOnly = new Set<string>([COMMANDS.pause.id, COMMANDS.resume.id, COMMANDS.cancel.id]);
      const shown = (c: { title: string }) => [...rows].some((r) => r.startsWith(`${CATEGORY}: ${c.title}`));
      const missing = Object.values(COMMANDS)
        .filter((c) => !runOnly.has(c.id) && !shown(c))
        .map((c) => c.title);
      assert.deepEqual(missing, [], `palette rows: ${JSON.stringify([...rows])}`);
      const offered = Object.values(COMMANDS)
        .filter((c) => runOnly.has(c.id) && shown(c))
        .map((c) => c.title);
      assert.deepEqual(offered, [], `run commands offered without a run: ${JSON.stringify([...rows])}`);
    },
  );

  scenario('activation: the extension is running in the workspace extension host', {}, async ({ wb, page }) => {
    await wb.runCommand('Developer: Show Running Extensions');
    const row = page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: 'Conversation Forge' }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.step('running-extensions');
  });

  it('in-host launcher: a passing suite gives exit code 0, a failing one a non-zero code', async function () {
    this.timeout(240_000);
    const started = Date.now();
    await getHarness(); // built already
    const quiet = { skipBuild: true, log: () => undefined };
    const pass = await runInHostSuite({ ...quiet, files: ['selftest/pass.selftest.ts'] });
    assert.equal(pass.exitCode, 0, pass.output);
    // what `npm run test:repeat -- N --e2e` counts: each in-host test by its title
    assert.deepEqual(pass.tests, {
      passes: ['harness self-check (passing) runs inside a VS Code extension host'],
      failures: [],
      pending: [],
    });
    const fail = await runInHostSuite({ ...quiet, files: ['selftest/fail.selftest.ts'] });
    assert.notEqual(fail.exitCode, 0, fail.output);
    assert.match(fail.output, /deliberate failure/);
    assert.deepEqual(fail.tests?.passes, []);
    assert.equal(fail.tests?.failures[0]?.title, 'harness self-check (failing on purpose) fails');
    assert.match(fail.tests?.failures[0]?.message ?? '', /deliberate failure/);
    recordWallTime('in-host launcher self-check (2 runs)', Date.now() - started, 'passed');
  });
});
