// Every panel state in every theme through axe-core (contrast and the rest of its WCAG 2 A/AA
// rules) in a real browser: a violation fails the test and names the rule, the element and why.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { buildBundle, launchChromium, openPanel, postHost, screenshot, type PanelPage } from './support/browser';
import { FIXTURES, jobsPage, stateFixture } from './support/fake-host';
import type { PageGlobals } from './support/page-globals';
import { startPanelServer, type PanelServer } from './support/server';
import { THEME_KINDS } from './support/themes';
import { AXE_SOURCE, axeViolations, describeViolations } from './support/axe';

describe('queue panel accessibility (axe-core, every state, every theme)', function () {
  // axe walks the whole page once per state: slow on a loaded 2-core machine, so generous.
  this.timeout(240_000);
  let server: PanelServer;
  let browser: Browser;
  let open: PanelPage | undefined;

  before(async () => {
    browser = await launchChromium();
    server = await startPanelServer(await buildBundle());
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    await open?.page.close();
    open = undefined;
  });

  for (const theme of THEME_KINDS) {
    // One page per theme, the states posted one after another as a run would: axe runs on each.
    it(`${theme}: no violations before the host answers, nor in any state of a run`, async () => {
      open = await openPanel(browser, server.url(theme));
      const page = open.page;
      await page.evaluate(AXE_SOURCE);
      const found: string[] = [];
      const check = async (label: string) => {
        const violations = await axeViolations(page);
        if (violations.length > 0) found.push(`${theme} / ${label}: ${describeViolations(violations)}`);
      };
      await check('waiting for the host');
      await postHost(page, jobsPage(0, 50));
      for (const fixture of FIXTURES) {
        const msg = stateFixture(fixture);
        await postHost(page, msg);
        await page.waitForFunction((at) => {
          const d = (globalThis as unknown as PageGlobals).document;
          return (
            d.querySelector('.panel-header')?.getAttribute('data-updated') === String(at) && d.querySelectorAll('.job-row').length === 50
          );
        }, msg.state.lastUpdated);
        await check(fixture);
        await screenshot(page, `axe-${fixture}-${theme}`);
      }
      assert.deepEqual(found, [], found.join('\n'));
    });
  }

  it('catches a contrast failure (the check can fail)', async () => {
    open = await openPanel(browser, server.url('light'));
    const page = open.page;
    await page.evaluate(AXE_SOURCE);
    await postHost(page, stateFixture('healthy'));
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).document.querySelector('.pace-badge')?.textContent !== 'Waiting for the extension…',
    );
    // The seed UI's light-theme green on white: about 2:1.
    await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { style: { color: string } } | null } }).document;
      d.querySelector('.pace-badge')!.style.color = '#73c991';
    });
    const ids = (await axeViolations(page)).map((v) => v.id);
    assert.ok(ids.includes('color-contrast'), `axe found ${JSON.stringify(ids)}`);
  });
});
