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
    assert.equal(report.overflowPx, 0, `${label}: ${grid} runs ${report.overflowPx}px off the panel`);
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

/** The status-bar item with its tooltip open, cropped to that corner of the window; returns the tooltip's text. */
export async function shootTooltip(s: Scenario, state: string, theme: string): Promise<string> {
  ensureDir(STATES_DIR);
  return shootTooltipTo(s, path.join(STATES_DIR, `${state}-${theme}-tooltip.png`), state);
}

/**
 * The status-bar item with its tooltip open, cropped to that corner of the window, into `file`;
 * returns the tooltip's text. `what` names it in a failure.
 */
export async function shootTooltipTo(s: Scenario, file: string, what: string): Promise<string> {
  const item = s.page.locator(SEL.statusItem);
  const hover = s.page.locator('.monaco-hover').filter({ visible: true }).first();
  const viewport = s.page.viewportSize();
  assert.ok(viewport, 'no viewport');
  // The item's text and tooltip change every second while a run is on ("submitted 8 s ago"), and
  // the workbench may close an open hover when they do: hover again rather than read a hover
  // that is gone.
  for (let attempt = 1; ; attempt++) {
    await s.page.mouse.move(viewport.width / 2, 10);
    await item.hover();
    await hover.waitFor({ timeout: 10_000 });
    await s.page.waitForTimeout(300);
    const a = await item.boundingBox();
    const b = await hover.boundingBox().catch(() => null);
    const text = b ? await hover.innerText({ timeout: 1_000 }).catch(() => undefined) : undefined;
    if (!a || !b || text === undefined) {
      assert.ok(attempt < 3, `${what}: status item or its tooltip not on screen (${attempt} tries)`);
      continue;
    }
    const pad = 12;
    const x = Math.max(0, Math.min(a.x, b.x) - pad);
    const y = Math.max(0, Math.min(a.y, b.y) - pad);
    await s.page.screenshot({
      path: file,
      clip: {
        x,
        y,
        width: Math.min(viewport.width, Math.max(a.x + a.width, b.x + b.width) + pad) - x,
        height: Math.min(viewport.height, Math.max(a.y + a.height, b.y + b.height) + pad) - y,
      },
    });
    await s.page.mouse.move(viewport.width / 2, 10);
    return text;
  }
}
