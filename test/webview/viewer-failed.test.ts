// The viewer's failed-validation filter in a real browser, driven by the real host session: the
// failures file's validation failures as chat cards (fixture failed-validation.failed.jsonl), the
// offending message marked, an older line without text, a dataset without a failures file, and axe
// on the failed view in every theme.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT, type PanelPage } from './support/browser';
import { AXE_SOURCE, axeViolations, describeViolations } from './support/axe';
import { THEME_KINDS } from './support/themes';
import { closePanels, openViewer, startViewerWorld, type BundleServer, type ViewerWorld } from './support/viewer-harness';
import { writeSyntheticDataset } from '../support/synthetic-dataset';

const FIXTURE = join(ROOT, 'test/webview/fixtures/failed-validation.failed.jsonl');

describe('dataset viewer: the failed-validation filter (headless Chromium, real host session)', function () {
  this.timeout(120_000);
  let world: ViewerWorld | undefined;
  let browser: Browser;
  let server: BundleServer;
  /** A dataset with the fixture's failures file beside it. */
  let file: string;
  /** A dataset with no failures file. */
  let clean: string;
  let open: (PanelPage & { session: { dispose(): void } })[] = [];

  before(async function () {
    this.timeout(180_000);
    world = await startViewerWorld('forge-viewer-failed-');
    ({ browser, server } = world);
    file = join(world.dir, 'support.jsonl');
    await writeSyntheticDataset(file, { lines: 40, journal: true, words: 20 });
    copyFileSync(FIXTURE, join(world.dir, 'support.failed.jsonl'));
    clean = join(world.dir, 'sales.jsonl');
    await writeSyntheticDataset(clean, { lines: 10, journal: true, words: 20, seed: 3 });
  });
  after(async () => world?.close());
  afterEach(async function () {
    await closePanels(open, this.currentTest?.state === 'passed');
    open = [];
  });

  async function showFailed(dataset: string, theme: (typeof THEME_KINDS)[number] = 'light') {
    const v = await openViewer(browser, server, dataset, theme);
    open.push(v);
    await v.page.locator('.conversation').first().waitFor();
    const box = v.page.getByRole('checkbox', { name: /Failed validation \(\d+\)/ });
    await box.waitFor();
    return { ...v, box };
  }

  it('counts the validation failures, and shows each as a chat card with its kind, reason, attempts and rule', async () => {
    const { page, box } = await showFailed(file);
    // Four ids failed validation (one of them twice: its last line counts); a timeout is not one.
    assert.equal(await box.getAttribute('aria-describedby'), 'failed-hint');
    assert.match((await page.locator('label.check', { has: box }).textContent()) ?? '', /Failed validation \(4\)/);
    await box.check();
    assert.ok(await page.locator('select[name="batch"]').isDisabled(), 'batch does not apply to failures');
    assert.ok(await page.locator('input[name="flag-refusal"]').isDisabled());
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('.conversation.failed').nth(3).waitFor();
    const cards = page.locator('.conversation.failed');
    assert.equal(await cards.count(), 4);
    assert.deepEqual(await cards.evaluateAll((els) => els.map((e) => e.querySelector('.conv-id')?.textContent)), [
      'support-0002',
      'support-0004',
      'support-0003',
      'support-0005',
    ]);
    assert.equal(await page.locator('.conversation:not(.failed)').count(), 0, 'no dataset line is shown');

    const refusal = cards.nth(0);
    assert.equal(await refusal.getByRole('article').getAttribute('aria-label'), 'Failed conversation support-0002');
    const meta = (await refusal.locator('.conv-meta').textContent()) ?? '';
    for (const part of ['Failed validation', 'invalid_output', 'refusal', '3 attempts', 'support.forge.yaml #2'])
      assert.ok(meta.includes(part), `${part} in ${meta}`);
    assert.equal(await refusal.locator('.failed-reason').textContent(), 'invalid output: message 4 is a refusal');
    assert.equal(await refusal.locator('.turn').count(), 4);
    const offending = refusal.locator('.turn.offending');
    assert.equal(await offending.count(), 1);
    assert.equal(await offending.locator('.role').textContent(), 'Assistant · failed here: refusal');
    assert.equal(await offending.locator('.bubble').textContent(), "I'm sorry, but I can't help with that.");
    assert.equal(
      await refusal
        .locator('.turn')
        .nth(3)
        .evaluate((e) => e.classList.contains('offending')),
      true,
    );

    const cut = cards.nth(1);
    assert.match((await cut.locator('.failed-note').first().textContent()) ?? '', /could not be read as messages/);
    assert.match((await cut.locator('.bubble').textContent()) ?? '', /… \(truncated, 11,700 chars\)$/);

    const retried = cards.nth(2);
    assert.equal(await retried.locator('.failed-reason').textContent(), 'invalid output: response is not JSON', 'its last line is shown');

    const old = cards.nth(3);
    assert.equal(await old.locator('.failed-note').textContent(), 'Text not kept (written by an older version).');
    assert.equal(await old.locator('.turn').count(), 0);
  });

  it('searches the failures by text, and clearing the filter shows the dataset again', async () => {
    const { page, box } = await showFailed(file);
    await box.check();
    await page.getByLabel('Search text').fill('tyres');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('.conversation.failed').first().waitFor();
    assert.deepEqual(await page.locator('.conversation.failed .conv-id').allTextContents(), ['support-0003']);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.locator('.conversation:not(.failed)').first().waitFor();
    assert.equal(await page.locator('.conversation.failed').count(), 0);
    assert.equal(await page.locator('select[name="batch"]').isDisabled(), false, 'the other filters are back');
  });

  it('is off, with the reason, for a dataset without a failures file', async () => {
    const { page, box } = await showFailed(clean);
    assert.match((await page.locator('label.check', { has: box }).textContent()) ?? '', /Failed validation \(0\)/);
    assert.ok(await box.isDisabled());
    const hint = page.locator('#failed-hint');
    assert.equal(await hint.isVisible(), true);
    assert.match((await hint.textContent()) ?? '', /no sales\.failed\.jsonl beside the dataset/);
  });

  for (const theme of THEME_KINDS) {
    it(`passes axe in the ${theme} theme on the failed view`, async function () {
      this.timeout(240_000);
      const { page, box } = await showFailed(file, theme);
      await box.check();
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.locator('.conversation.failed').nth(3).waitFor();
      await page.evaluate(AXE_SOURCE);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], describeViolations(violations));
      // For looking at a run, as viewer.test.ts does.
      mkdirSync(join(ROOT, 'test-results', 'webview'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test-results', 'webview', `dataset-viewer-failed-${theme}.png`), fullPage: true });
      // And with the filter off and its reason shown.
      const c = await showFailed(clean, theme);
      await c.page.evaluate(AXE_SOURCE);
      const off = await axeViolations(c.page);
      assert.deepEqual(off, [], describeViolations(off));
    });
  }
});
