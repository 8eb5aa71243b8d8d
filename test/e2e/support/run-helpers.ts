// Helpers the UI scenarios share: datasets on disk, simulator stats, the queue panel.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { SimStats } from '../../../src/sim';
import { waitFor, type Scenario } from './scenario';
import { SEL } from './selectors';
import { readJsonLines, type Workbench } from './workbench';

export function datasetFile(s: Scenario, name: 'small' | 'long'): string {
  return path.join(s.workspace, 'datasets', `${name}.jsonl`);
}

/** Waits until the dataset has at least `n` lines, all valid JSON; returns them. */
export async function waitDatasetLines(file: string, n: number, timeoutMs: number): Promise<unknown[]> {
  let seen = 0;
  try {
    return await waitFor(
      `${n} lines in ${path.basename(file)}`,
      () => {
        const { lines, invalid } = readJsonLines(file);
        assert.deepEqual(invalid, [], `invalid JSON lines in ${path.basename(file)}`);
        seen = lines.length;
        return lines.length >= n ? lines : undefined;
      },
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message} (had ${seen}${fs.existsSync(file) ? '' : ', file never appeared'})`, { cause: err });
  }
}

/** Every record is an OpenAI-format conversation: messages with roles and non-empty text. */
export function assertOpenAiRecords(lines: unknown[], turns: number): void {
  for (const [i, line] of lines.entries()) {
    const rec = line as { messages?: { role: string; content: string }[] };
    assert.ok(Array.isArray(rec.messages), `line ${i + 1} has no messages array`);
    const dialogue = rec.messages.filter((m) => m.role !== 'system');
    assert.equal(dialogue.length, turns, `line ${i + 1} has ${dialogue.length} turns, expected ${turns}`);
    for (const m of rec.messages) {
      assert.ok(['system', 'user', 'assistant'].includes(m.role), `line ${i + 1}: role ${m.role}`);
      assert.ok(typeof m.content === 'string' && m.content.length > 0, `line ${i + 1}: empty content`);
    }
  }
}

export function stats(s: Scenario): SimStats {
  return s.sim.stats();
}

/** Open the prompt file and run "Generate from Current Prompt File" from the palette. */
export async function generateCurrent(s: Scenario, file: string): Promise<void> {
  await s.wb.openFile(file);
  await s.wb.runCommand('generateCurrent');
  await acceptStartPromptIfAny(s.wb);
  await s.wb.step('generate-started');
}

/**
 * If the extension asks before starting (resume an unfinished run / confirm a cost), take the
 * answer a person wanting to continue takes. Nothing happens when no prompt appears.
 */
export async function acceptStartPromptIfAny(wb: Workbench, waitMs = 1_500): Promise<void> {
  const row = wb.page
    .locator(SEL.quickInputRow)
    .filter({ hasText: /resume|continue|start|generate/i })
    .first();
  if (await row.isVisible({ timeout: waitMs }).catch(() => false)) {
    await row.click();
    return;
  }
  const button = wb.page
    .locator('.monaco-dialog-box .monaco-button')
    .filter({ hasText: /resume|continue|start|generate/i })
    .first();
  if (await button.isVisible({ timeout: 200 }).catch(() => false)) await button.click();
}

/** The queue panel's webview; opens it with "Show Queue Panel" first. */
export async function openPanel(s: Scenario) {
  await s.wb.runCommand('showPanel');
  const view = s.wb.webview();
  await view.locator('.panel-header').waitFor({ state: 'attached', timeout: 30_000 });
  await s.wb.step('panel-open');
  return view;
}

export function parseCount(text: string): number {
  const n = Number(text.replace(/[^\d]/g, ''));
  if (!Number.isFinite(n) || text.trim() === '') throw new Error(`not a count: ${JSON.stringify(text)}`);
  return n;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Waits until the element's text matches: a webview renders each host message as it comes, so a
 * text read once right after another element changed can be one render behind. Fails with the
 * last text seen.
 */
export async function waitText(locator: Locator, expected: RegExp | string, what: string, timeoutMs = 15_000): Promise<string> {
  let last = '';
  try {
    return await waitFor(
      what,
      async () => {
        last = await locator.innerText({ timeout: 1_000 }).catch(() => last);
        return (typeof expected === 'string' ? last === expected : expected.test(last)) ? last : undefined;
      },
      timeoutMs,
      100,
    );
  } catch {
    throw new Error(`${what}: expected ${String(expected)}, last seen ${JSON.stringify(last)} (after ${timeoutMs} ms)`);
  }
}
