// The dataset viewer and report in a real browser, driven by their real host sessions on a
// generated dataset: what a user sees and can do, the CSP, and axe in every theme.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, type PanelPage } from './support/browser';
import { AXE_SOURCE, axeViolations, describeViolations } from './support/axe';
import type { PageGlobals } from './support/page-globals';
import { THEME_KINDS } from './support/themes';
import { closePanels, openReport, openViewer, startViewerWorld, type BundleServer, type ViewerWorld } from './support/viewer-harness';
import { syntheticBatchOf, writeSyntheticDataset } from '../support/synthetic-dataset';

const LINES = 20_000;
const lineNumbers = (page: Page) =>
  page.locator('.conversations > li').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-line'))));

describe('dataset viewer and report webviews (headless Chromium, real host sessions)', function () {
  this.timeout(120_000);
  let world: ViewerWorld | undefined;
  let browser: Browser;
  let server: BundleServer;
  let dir: string;
  let file: string;
  /** A second, small dataset of the same "run", for reports over several. */
  let second: string;
  let open: (PanelPage & { session: { dispose(): void } })[] = [];

  before(async function () {
    this.timeout(180_000);
    world = await startViewerWorld('forge-viewer-ui-');
    ({ browser, server, dir } = world);
    file = join(dir, 'support.jsonl');
    await writeSyntheticDataset(file, { lines: LINES, journal: true, brokenEvery: 1000, refusalEvery: 50, words: 30 });
    // Marks on the page the axe runs check (lines 990-1014): a duplicate's link and a regenerated badge.
    const time = '2026-01-02T00:00:00.000Z';
    appendFileSync(
      file.replace(/\.jsonl$/, '.meta.jsonl'),
      [
        { mark: 'duplicate', id: 'c995', of: 'c1', similarity: 0.9, threshold: 0.8, time },
        { mark: 'regenerate', id: 'c996', index: 995, promptHash: 'h', round: 1, reason: 'duplicate of c2', time },
      ]
        .map((m) => `${JSON.stringify(m)}\n`)
        .join(''),
    );
    mkdirSync(join(dir, 'more'));
    second = join(dir, 'more', 'sales.jsonl');
    await writeSyntheticDataset(second, { lines: 300, journal: true, refusalEvery: 10, words: 30, seed: 4 });
  });
  after(async () => {
    await world?.close();
  });
  afterEach(async function () {
    await closePanels(open, this.currentTest?.state === 'passed');
    open = [];
  });

  async function viewer(theme: (typeof THEME_KINDS)[number] = 'light') {
    const v = await openViewer(browser, server, file, theme);
    open.push(v);
    await v.page.locator('.conversation').first().waitFor();
    return v;
  }

  it('opens on the first page as chat, counts the lines, and pages by position', async () => {
    const { page } = await viewer();
    assert.equal(await page.locator('.viewer-title').innerText(), 'support.jsonl');
    await textMatches(page, '.index-status', /^20,000 lines/);
    assert.deepEqual(
      await lineNumbers(page),
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
    const first = page.locator('.conversation').first();
    assert.match(await first.locator('.turn.user .bubble').first().innerText(), /^conversation 1:/);
    assert.ok((await first.locator('.turn.assistant').count()) >= 1);
    assert.equal(await first.locator('.conv-id').innerText(), 'c1');
    await page.locator('.pager').first().getByRole('button', { name: 'Next page' }).click();
    await startIs(page, 26);
    await page.locator('.pager').first().getByRole('button', { name: 'Last page' }).click();
    await startIs(page, 19976);
    assert.equal((await lineNumbers(page)).at(-1), LINES);
    await page.locator('.pager').first().getByLabel('Go to line').fill('12345');
    await page.locator('.pager').first().getByRole('button', { name: 'Go' }).click();
    await startIs(page, 12345);
    assert.match(await page.locator('.conversation .turn.user .bubble').first().innerText(), /^conversation 12345:/);
  });

  it('reports a broken line by its number and skips it; opens the line as text', async () => {
    const v = await viewer();
    const { page } = v;
    await page.locator('.pager').first().getByLabel('Go to line').fill('990');
    await page.locator('.pager').first().getByRole('button', { name: 'Go' }).click();
    const broken = page.locator('.broken-line');
    await broken.waitFor();
    assert.match(await broken.innerText(), /Line 1,000 skipped: not JSON/);
    assert.equal(await page.locator('.conversation[data-line="1000"]').count(), 0);
    await broken.getByRole('button', { name: 'Open as text, line 1000' }).click();
    await waitUntil(() => v.opened.length === 1);
    assert.deepEqual(v.opened, [{ file, line: 1000 }]);
  });

  it('searches text with progress, filters by batch and flags, and opens a journal record', async () => {
    const v = await viewer();
    const { page } = v;
    await page.getByLabel('Search text').fill('Conversation 4321:');
    await page.getByRole('button', { name: 'Apply' }).click();
    await textMatches(page, '.pager .range', /^Matches 1–1 of 1$/);
    assert.deepEqual(await lineNumbers(page), [4321]);
    await page.getByRole('button', { name: 'Journal record' }).click();
    await waitUntil(() => v.opened.length === 1);
    assert.equal(v.opened[0]!.file, file.replace(/\.jsonl$/, '.meta.jsonl'));
    assert.equal(v.opened[0]!.line, 4321 - Math.floor(4321 / 1000));

    await page.getByRole('button', { name: 'Clear' }).click();
    await startIs(page, 1);
    await page.getByLabel('Batch').selectOption('sales');
    await page.getByLabel('Refusal').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await textMatches(page, '.pager .range', /^Matches 1–\d+ of \d+$/);
    const lines = await lineNumbers(page);
    assert.ok(lines.length > 0);
    for (const l of lines) {
      assert.equal(l % 50, 0, `line ${l} is a refusal`);
      assert.equal(syntheticBatchOf(l), 'sales');
    }
    assert.ok((await page.locator('.flag-refusal').count()) === lines.length);
  });

  it("flags the journal's duplicate and regenerate marks, links a duplicate to its original, and filters on them", async () => {
    const marked = join(dir, 'marked', 'runs.jsonl');
    mkdirSync(join(dir, 'marked'), { recursive: true });
    await writeSyntheticDataset(marked, { lines: 400, journal: true, words: 20 });
    const time = '2026-01-02T00:00:00.000Z';
    appendFileSync(
      marked.replace(/\.jsonl$/, '.meta.jsonl'),
      [
        { mark: 'duplicate', id: 'c2', of: 'c1', similarity: 1, threshold: 0.8, time },
        { mark: 'duplicate', id: 'c7', of: 'c250', similarity: 0.86, threshold: 0.8, time },
        { mark: 'regenerate', id: 'c4', index: 3, promptHash: 'h', round: 1, reason: 'duplicate of c3', time },
      ]
        .map((m) => `${JSON.stringify(m)}\n`)
        .join(''),
    );
    const v = await openViewer(browser, server, marked);
    open.push(v);
    const { page } = v;
    await page.locator('.conversation[data-line="2"] .flag-duplicate').waitFor();
    await textMatches(page, '.marks-status', /^Journal: 2 marked duplicate · 1 dropped to regenerate$/);
    assert.equal(await page.locator('.flag-duplicate').count(), 2, 'only the marked conversations are flagged');
    assert.equal(await page.locator('.conversation[data-line="2"] .duplicate-of').innerText(), 'of c1');
    assert.equal(await page.locator('.conversation[data-line="4"] .flag-regenerated').innerText(), 'Regenerated (round 1)');
    await page.getByRole('button', { name: 'Duplicate of c250: show the original' }).click();
    await startIs(page, 250);
    await page.locator('.conversation.revealed[data-line="250"]').waitFor();
    await page.getByLabel('Duplicate').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await textMatches(page, '.pager .range', /^Matches 1–2 of 2$/);
    assert.deepEqual(await lineNumbers(page), [2, 7]);
  });

  it("keeps what the user typed and picked when the journal's batches and variables arrive (late)", async () => {
    const { page } = await viewer();
    await page.getByLabel('Batch').selectOption('sales');
    await page.getByLabel('Search text').fill('half-typed');
    await page.evaluate((m) => (globalThis as unknown as PageGlobals).postMessage(m, '*'), {
      type: 'facets',
      facets: { batches: { sales: 1, other: 2 }, variables: {} },
    });
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).document.querySelector('select[name="batch"] option[value="other"]') !== null,
    );
    assert.equal(await page.getByLabel('Search text').inputValue(), 'half-typed');
    assert.equal(await page.getByLabel('Batch').inputValue(), 'sales');
  });

  it('comes back on the same page after a reload of its webview', async () => {
    const v = await viewer();
    const { page } = v;
    await page.locator('.pager').first().getByRole('button', { name: 'Next page' }).click();
    await startIs(page, 26);
    const saved = await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.getItem('fake-vscode-state'));
    assert.deepEqual(JSON.parse(saved ?? 'null'), { query: {}, start: 26 });
    await page.reload();
    await startIs(page, 26);
    assert.equal((await lineNumbers(page))[0], 26);
  });

  it('shows the report as charts: figures, three histograms, counts by batch and variable', async () => {
    const r = await openReport(browser, server, file);
    open.push(r);
    const { page } = r;
    await page.locator('.report-section').first().waitFor();
    assert.equal(await page.locator('svg.histogram').count(), 3);
    assert.match(await page.locator('[data-figure="Conversations"] .figure-value').innerText(), /^19,980$/);
    assert.match(await page.locator('[data-figure="Unreadable lines"] .figure-value').innerText(), /^20$/);
    assert.match(await page.locator('[data-figure="Refusal rate"] .figure-value').innerText(), /^1\.9%$/);
    const batches = await page.getByRole('list', { name: 'By batch' }).locator('.hbar-name').allInnerTexts();
    assert.deepEqual([...batches].sort(), ['billing', 'sales', 'support']);
    assert.equal(await page.getByRole('list', { name: 'By tone' }).locator('li').count(), 4);
    await page.getByRole('button', { name: 'Open in viewer' }).click();
    await waitUntil(() => r.viewers.length === 1);
  });

  it("reports a run's datasets together: each one's figures in a table, the total, and each opens in the viewer", async () => {
    const r = await openReport(browser, server, [file, second]);
    open.push(r);
    const { page } = r;
    await page.locator('table.per-dataset').waitFor();
    assert.equal(await page.locator('.viewer-title').innerText(), 'Report: 2 datasets');
    const rows = await page
      .locator('table.per-dataset tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? '')));
    assert.deepEqual(
      rows.map((cells) => cells.slice(0, 3)),
      [
        [`${basename(dir)}/support.jsonl`, '19,980', '20'],
        ['more/sales.jsonl', '300', '0'],
        ['Total', '20,280', '20'],
      ],
    );
    assert.equal(rows[1]![5], '10.0%', "the second dataset's own refusal rate");
    assert.match(await page.locator('[data-figure="Conversations"] .figure-value').innerText(), /^20,280$/);
    assert.equal(await page.getByRole('button', { name: 'Open in viewer' }).isHidden(), true, 'one per dataset instead');
    await page.getByRole('button', { name: 'Open more/sales.jsonl in the viewer' }).click();
    await waitUntil(() => r.viewers.length === 1);
    assert.deepEqual(r.viewers, [second]);
  });

  for (const theme of THEME_KINDS) {
    it(`passes axe in the ${theme} theme (viewer with a broken line and flags, and the report)`, async function () {
      this.timeout(240_000);
      const v = await viewer(theme);
      await v.page.locator('.pager').first().getByLabel('Go to line').fill('990');
      await v.page.locator('.pager').first().getByRole('button', { name: 'Go' }).click();
      await v.page.locator('.broken-line').waitFor();
      await v.page.locator('.conversation[data-line="995"] .duplicate-of').waitFor();
      await v.page.locator('.conversation[data-line="996"] .flag-regenerated').waitFor();
      await v.page.evaluate(AXE_SOURCE);
      const vv = await axeViolations(v.page);
      assert.deepEqual(vv, [], describeViolations(vv));
      // Two datasets: the per-dataset table is checked too.
      const r = await openReport(browser, server, [file, second], theme);
      open.push(r);
      await r.page.locator('.report-section').first().waitFor();
      await r.page.evaluate(AXE_SOURCE);
      const rv = await axeViolations(r.page);
      assert.deepEqual(rv, [], describeViolations(rv));
      // The README's pictures come from the real host (test/e2e); these are for looking at a run.
      {
        const shots = join(ROOT, 'test-results', 'webview');
        mkdirSync(shots, { recursive: true });
        await v.page.screenshot({ path: join(shots, `dataset-viewer-${theme}.png`) });
        await r.page.screenshot({ path: join(shots, `dataset-report-${theme}.png`), fullPage: true });
      }
    });
  }
});

async function startIs(page: Page, start: number): Promise<void> {
  await page.waitForFunction(
    (s) => (globalThis as unknown as PageGlobals).document.querySelector('.conversations')?.getAttribute('data-start') === String(s),
    start,
  );
}

/** Scans stream the whole file: on a loaded 2-core machine that can take a while, hence the long wait. */
async function textMatches(page: Page, selector: string, pattern: RegExp, timeout = 60_000): Promise<void> {
  await page
    .waitForFunction(
      ([sel, src]) => new RegExp(src).test((globalThis as unknown as PageGlobals).document.querySelector(sel)?.textContent ?? ''),
      [selector, pattern.source] as const,
      { timeout },
    )
    .catch(async (e: unknown) => {
      const shown = await page.locator(selector).first().textContent();
      const status = await page.locator('.scan-status').textContent();
      throw new Error(`${selector} shows ${JSON.stringify(shown)} (scan: ${JSON.stringify(status)}), not ${pattern}: ${String(e)}`);
    });
}

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
