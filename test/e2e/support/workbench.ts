// UI actions on the VS Code workbench, the way a person does them. Selectors come from
// selectors.ts only; tests call these and never touch workbench markup themselves.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { CATEGORY, type CommandName, COMMANDS } from '../../../src/vscode/ids';
import { ensureDir, RESULTS_DIR } from './paths';
import { SEL } from './selectors';

export type StatusKind = 'standard' | 'warning' | 'error';

export interface StatusSnapshot {
  text: string;
  kind: StatusKind;
  /** The computed background colour, for reports. */
  background: string;
  tooltip: string | null;
}

export class Workbench {
  private shot = 0;

  constructor(
    readonly page: Page,
    /** Scenario name: screenshots go to test-results/e2e/<name>/. */
    readonly name: string,
  ) {}

  async waitReady(timeoutMs = 60_000): Promise<void> {
    await this.page.locator(SEL.workbench).waitFor({ timeout: timeoutMs });
    await this.page.locator(SEL.statusBar).waitFor({ timeout: timeoutMs });
  }

  /** A screenshot into test-results/e2e/<scenario>/NN-<label>.png. */
  async screenshot(label: string): Promise<string> {
    const dir = ensureDir(path.join(RESULTS_DIR, this.name.replace(/[^a-z0-9-]+/gi, '-')));
    const file = path.join(dir, `${String(++this.shot).padStart(2, '0')}-${label.replace(/[^a-z0-9-]+/gi, '-')}.png`);
    await this.page.screenshot({ path: file }).catch(() => undefined);
    return file;
  }

  /** Takes a screenshot only when E2E_SCREENSHOTS=1 (failures are captured by the session anyway). */
  async step(label: string): Promise<void> {
    if (process.env.E2E_SCREENSHOTS === '1') await this.screenshot(label);
  }

  // ---- command palette -------------------------------------------------------------------

  /** F1, type "> Conversation Forge: <title>", wait for that exact row, Enter. */
  async runCommand(command: CommandName | string, timeoutMs = 20_000): Promise<void> {
    const title = await this.findInPalette(command, timeoutMs);
    await this.step(`palette-${title}`);
    await this.page.keyboard.press('Enter');
    await this.failOnCommandError(title);
  }

  /** Opens the palette with the command's title typed in and its row shown; returns the title. */
  async findInPalette(command: CommandName | string, timeoutMs = 20_000): Promise<string> {
    const title = command in COMMANDS ? `${CATEGORY}: ${COMMANDS[command as CommandName].title}` : command;
    const deadline = Date.now() + timeoutMs;
    const box = this.page.locator(SEL.quickInputBox);
    const row = this.page.locator(SEL.quickInputRow).filter({ hasText: title }).first();
    // Right after load the workbench may not have the extension's contributions yet: the
    // palette then shows "similar commands" instead. Close and ask again until it knows them.
    for (let attempt = 0; ; attempt++) {
      await this.dismissDialogs();
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      // Opening the palette is not what the deadline measures: a loaded host can take seconds to
      // show it, even on a last try whose deadline is nearly spent (an absence check then failed
      // with a timeout instead of "has no").
      await box.waitFor({ state: 'visible', timeout: Math.max(10_000, deadline - Date.now()) });
      await box.fill(`>${title}`);
      if (
        await row.waitFor({ state: 'visible', timeout: Math.min(3_000, Math.max(500, deadline - Date.now())) }).then(
          () => true,
          () => false,
        )
      )
        break;
      if (Date.now() >= deadline) {
        const shown = await this.page
          .locator(SEL.quickInputRow)
          .allInnerTexts()
          .catch(() => []);
        await this.screenshot(`palette-missing-${title}`);
        await this.page.keyboard.press('Escape');
        throw new Error(`Command palette has no "${title}" after ${attempt + 1} tries (rows: ${JSON.stringify(shown.slice(0, 5))})`);
      }
    }
    return title;
  }

  /**
   * A contributed but unregistered command (or one that threw) shows an error, as a modal dialog
   * ("Command '…' resulted in an error") or a toast: fail fast on it instead of waiting for results.
   */
  private async failOnCommandError(title: string): Promise<void> {
    const pattern = /command '[^']+' not found|resulted in an error|Running the contributed command: '[^']+' failed/i;
    const dialog = this.page.locator(SEL.dialog).filter({ hasText: pattern });
    const toast = this.page.locator(`${SEL.notificationToast} ${SEL.notificationMessage}`).filter({ hasText: pattern });
    const deadline = Date.now() + 800;
    while (Date.now() < deadline) {
      for (const found of [dialog.first(), toast.first()]) {
        if (await found.isVisible().catch(() => false)) {
          const text = (await found.innerText()).replace(/\s+/g, ' ').trim();
          await this.screenshot(`command-error-${title}`);
          await this.dismissDialogs();
          throw new Error(`"${title}": ${text}`);
        }
      }
      await this.page.waitForTimeout(100);
    }
  }

  /** Closes any modal dialog (its default button) so later steps can use the workbench. */
  async dismissDialogs(): Promise<void> {
    const dialog = this.page.locator(SEL.dialog).first();
    if (await dialog.isVisible().catch(() => false)) {
      await this.page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
    }
  }

  async closeQuickInput(): Promise<void> {
    const widget = this.page.locator(SEL.quickInput);
    if (await widget.isVisible().catch(() => false)) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
    }
  }

  /** Waits for an input box (showInputBox), fills it and presses Enter. */
  async fillInputBox(value: string, options: { expectPrompt?: RegExp; timeoutMs?: number } = {}): Promise<string> {
    const box = this.page.locator(SEL.quickInputBox);
    await box.waitFor({ state: 'visible', timeout: options.timeoutMs ?? 20_000 });
    const prompt = await this.page
      .locator(SEL.quickInputMessage)
      .innerText()
      .catch(() => '');
    const placeholder = (await box.getAttribute('placeholder')) ?? '';
    if (options.expectPrompt && !options.expectPrompt.test(`${prompt} ${placeholder}`)) {
      throw new Error(
        `Input box prompt ${JSON.stringify(prompt)} / placeholder ${JSON.stringify(placeholder)} does not match ${options.expectPrompt}`,
      );
    }
    await box.fill(value);
    await this.page.keyboard.press('Enter');
    await box.waitFor({ state: 'hidden', timeout: options.timeoutMs ?? 20_000 });
    return `${prompt} ${placeholder}`.trim();
  }

  /** Picks a row in an open quick pick. */
  async pickQuickItem(text: string | RegExp, timeoutMs = 20_000): Promise<void> {
    const row = this.page.locator(SEL.quickInputRow).filter({ hasText: text }).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
  }

  // ---- editors -----------------------------------------------------------------------------

  /** Quick Open (Ctrl+P) a workspace file by name and wait for its tab. */
  // generous: Quick Open's file search was seen to take over 20 s on a 2-core machine at load 30
  async openFile(relativePath: string, timeoutMs = 45_000): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('Control+P');
    const box = this.page.locator(SEL.quickInputBox);
    await box.waitFor({ state: 'visible', timeout: timeoutMs });
    await box.fill(relativePath);
    const base = path.basename(relativePath);
    const row = this.page.locator(SEL.quickInputRow).filter({ hasText: base }).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    const tab = this.page.locator(SEL.editorTab(base)).first();
    // On a loaded machine Quick Open can show the file's row without focusing it (results that
    // arrive after the search settled), and Enter then opens nothing: click the row itself, and
    // again while the picker still shows it and no tab opened (seen on VS Code 1.100 and 1.139)
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await row.isVisible().catch(() => false)) await row.click({ timeout: 3_000 }).catch(() => undefined);
      const opened = await tab.waitFor({ state: 'visible', timeout: 3_000 }).then(
        () => true,
        () => false,
      );
      if (opened) break;
      if (Date.now() > deadline) throw new Error(`Quick Open did not open ${relativePath} within ${timeoutMs} ms`);
    }
    // the editor needs focus for "current prompt file" commands
    await this.page.locator(SEL.editorLines).first().click();
  }

  // ---- status bar --------------------------------------------------------------------------

  async statusItemVisible(): Promise<boolean> {
    return this.page
      .locator(SEL.statusItem)
      .isVisible()
      .catch(() => false);
  }

  async waitStatusItem(timeoutMs = 30_000): Promise<void> {
    await this.page.locator(SEL.statusItem).waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Text, colour kind and tooltip of the extension's status-bar item. */
  async readStatus(): Promise<StatusSnapshot> {
    const item = this.page.locator(SEL.statusItem);
    return item.evaluate((node) => {
      // Runs in the page. Typed structurally: the project's tsconfig has no DOM lib.
      interface El {
        classList: { contains(c: string): boolean };
        innerText: string;
        querySelector(s: string): El | null;
        getAttribute(n: string): string | null;
      }
      const el = node as unknown as El;
      const win = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } };
      // VS Code maps ThemeColor('statusBarItem.{warning,error}Background') to an entry "kind",
      // rendered as a `warning-kind` / `error-kind` class on the item's container.
      const kind = el.classList.contains('error-kind') ? 'error' : el.classList.contains('warning-kind') ? 'warning' : 'standard';
      const label = el.querySelector('.statusbar-item-label');
      return {
        text: (label?.innerText ?? el.innerText).replace(/\s+/g, ' ').trim(),
        kind,
        background: win.getComputedStyle(node).backgroundColor,
        tooltip: label?.getAttribute('aria-label') ?? el.getAttribute('aria-label'),
      } as StatusSnapshot;
    });
  }

  /** Polls the status item until `predicate` holds; returns every distinct snapshot seen. */
  async waitStatus(predicate: (s: StatusSnapshot) => boolean, timeoutMs: number, seen: StatusSnapshot[] = []): Promise<StatusSnapshot> {
    const deadline = Date.now() + timeoutMs;
    let last: StatusSnapshot | undefined;
    while (Date.now() < deadline) {
      const s = await this.readStatus().catch(() => undefined);
      if (s) {
        if (!last || last.text !== s.text || last.kind !== s.kind) seen.push(s);
        last = s;
        if (predicate(s)) return s;
      }
      await this.page.waitForTimeout(150);
    }
    throw new Error(
      `status bar item never matched within ${timeoutMs} ms; seen: ${JSON.stringify(seen.map((s) => `${s.kind}: ${s.text}`))}`,
    );
  }

  // ---- problems / output ------------------------------------------------------------------

  /** Opens the Problems panel (Ctrl+Shift+M) and returns each row's text. */
  async readProblems(): Promise<string[]> {
    await this.closeQuickInput();
    await this.page.keyboard.press('Control+Shift+M');
    await this.page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.waitForTimeout(300);
    const rows = this.page.locator(SEL.problemsRow);
    const texts: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      const aria = await row.getAttribute('aria-label');
      texts.push((aria ?? (await row.innerText())).replace(/\s+/g, ' ').trim());
    }
    return texts;
  }

  /** Polls the Problems panel until a row matches. */
  async waitProblem(match: RegExp, timeoutMs = 30_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let rows: string[] = [];
    while (Date.now() < deadline) {
      rows = await this.readProblems();
      if (rows.some((r) => match.test(r))) return rows;
      await this.page.waitForTimeout(500);
    }
    throw new Error(`no problem matched ${match} within ${timeoutMs} ms; rows: ${JSON.stringify(rows)}`);
  }

  /** Shows the named output channel and returns its visible text. */
  async readOutputChannel(channel: string): Promise<string> {
    await this.runCommand('Output: Show Output Channels...');
    await this.pickQuickItem(channel);
    const lines = this.page.locator(SEL.outputEditor).first();
    await lines.waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.waitForTimeout(500);
    return lines.innerText();
  }

  // ---- webview -----------------------------------------------------------------------------

  /** The queue panel's content frame (the workbench nests it in two iframes). */
  webview(): FrameLocator {
    return this.page.frameLocator(SEL.webviewFrame).frameLocator(SEL.webviewContentFrame);
  }

  /** Every webview content frame's text and HTML, for leak checks. */
  async webviewHtml(): Promise<string> {
    const parts: string[] = [];
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame()) continue;
      parts.push(await frame.content().catch(() => ''));
    }
    return parts.join('\n');
  }

  async notifications(): Promise<string[]> {
    return this.page
      .locator(`${SEL.notificationToast} ${SEL.notificationMessage}`)
      .allInnerTexts()
      .catch(() => []);
  }
}

export function readJsonLines(file: string): { lines: unknown[]; invalid: string[] } {
  if (!fs.existsSync(file)) return { lines: [], invalid: [] };
  const lines: unknown[] = [];
  const invalid: string[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      lines.push(JSON.parse(line));
    } catch {
      invalid.push(line);
    }
  }
  return { lines, invalid };
}
