// Screenshots of the queue panel and the status bar at fixed states of a run, and the panel's
// grids measured for alignment (header cell boxes against row cell boxes) in the real host.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { gridReport } from '../../webview/support/grid-geometry';
import { RESULTS_DIR, ensureDir } from './paths';
import type { Scenario } from './scenario';
import { SEL } from './selectors';

/** Where the state screenshots go: test-results/e2e/ui-states/<state>-<theme>-{panel,status}.png. */
export const STATES_DIR = path.join(RESULTS_DIR, 'ui-states');

/** Both grids have their header and row cells in the same columns; ids on one line. */
export async function assertGridsAligned(view: FrameLocator, label: string): Promise<void> {
  for (const grid of ['.batches table', '.jobs table']) {
    const table = view.locator(grid);
    await table.waitFor({ timeout: 15_000 });
    const report = await gridReport(table);
    assert.ok(report.columns > 0 && report.rows > 0, `${label}: ${grid} has no rows to measure`);
    assert.deepEqual(report.misaligned, [], `${label}: ${grid} cells leave their header's column`);
    assert.deepEqual(report.wrappedIds, [], `${label}: ${grid} ids wrap`);
  }
}

/** The panel (its webview frame) and the status bar's left part, as two cropped PNGs. */
export async function shootState(s: Scenario, state: string, theme: string): Promise<string[]> {
  ensureDir(STATES_DIR);
  const frame = s.page.locator(SEL.webviewFrame).first();
  const panelBox = await frame.boundingBox();
  const item = await s.page.locator(SEL.statusItem).boundingBox();
  const bar = await s.page.locator(SEL.statusBar).boundingBox();
  assert.ok(panelBox && item && bar, `${state}: panel or status bar not on screen`);
  const panelFile = path.join(STATES_DIR, `${state}-${theme}-panel.png`);
  const statusFile = path.join(STATES_DIR, `${state}-${theme}-status.png`);
  await s.page.screenshot({
    path: panelFile,
    clip: { x: panelBox.x, y: panelBox.y, width: panelBox.width, height: Math.min(panelBox.height, 760) },
  });
  // The item with a little of the bar around it, so its background reads as part of the bar.
  const x = Math.max(0, item.x - 40);
  await s.page.screenshot({ path: statusFile, clip: { x, y: bar.y, width: Math.min(item.width + 80, bar.width - x), height: bar.height } });
  return [panelFile, statusFile];
}
