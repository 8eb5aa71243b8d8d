// Headless Chromium (see find-chromium.ts for which one) driven by playwright-core, with a fake acquireVsCodeApi that
// records what the panel posts and keeps get/setState across reloads like VS Code does.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HostMessage, WebviewMessage } from '../../../src/protocol/messages';
import { bundledChromium, machineChromium, type ChromiumBinary } from './find-chromium';
import type { PageGlobals } from './page-globals';

export const ROOT = join(__dirname, '..', '..', '..');
export const RESULTS = join(ROOT, 'test-results', 'webview');

/**
 * Builds the panel bundle from source (not a stale dist/) with the production entry points, into
 * a folder of its own: two suites running at once must not serve each other's half-written files.
 * The caller removes it.
 */
export async function buildBundle(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'convforge-webview-bundle-'));
  await Promise.all([
    build({
      entryPoints: [join(ROOT, 'webview/src/main.ts')],
      outfile: join(outdir, 'webview.js'),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      sourcemap: true,
      logLevel: 'error',
    }),
    build({ entryPoints: [join(ROOT, 'webview/src/styles.css')], outfile: join(outdir, 'webview.css'), bundle: true, logLevel: 'error' }),
  ]);
  return outdir;
}

/**
 * The machine's Chromium when it has one, else the npm-shipped one. A machine Chromium that
 * will not start (a snap wrapper in a container, a broken install) falls back to the npm one
 * and says why, unless CHROMIUM_PATH asked for it by name.
 */
export async function launchChromium(log: (line: string) => void = () => undefined): Promise<Browser> {
  const machine = machineChromium();
  if (machine) {
    try {
      const browser = await launch(machine);
      log(`browser: ${machine.source} ${browser.version()}`);
      return browser;
    } catch (e) {
      if (machine.source === 'CHROMIUM_PATH') throw e;
      log(`browser: ${machine.source} did not start (${String(e).split('\n')[0]}); using the npm one`);
    }
  }
  const bundled = await bundledChromium(ROOT);
  const browser = await launch(bundled);
  log(`browser: ${bundled.source} ${browser.version()}`);
  return browser;
}

function launch(binary: ChromiumBinary): Promise<Browser> {
  // launch() gives every browser a fresh temporary user-data-dir. A busy machine can take a
  // while to start a browser: allow it well past playwright's default.
  return chromium.launch({
    executablePath: binary.path,
    headless: true,
    timeout: 60_000,
    env: { ...process.env, ...binary.env },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

const FAKE_VSCODE_API = readFileSync(join(__dirname, 'fake-vscode-api.js'), 'utf8');

export interface PanelPage {
  page: Page;
  errors: string[];
}

export interface OpenOptions {
  /** Installs Playwright's page clock before load, so timers can be fast-forwarded. */
  clockAt?: number;
  /** Runs before the page loads (after the fake VS Code API is in place). */
  beforeLoad?: (page: Page) => Promise<void>;
  /** The selector that says the page is drawn (default: the queue panel's). */
  waitFor?: string;
}

export async function openPanel(browser: Browser, url: string, options: OpenOptions = {}): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  if (options.clockAt !== undefined) await page.clock.install({ time: options.clockAt });
  // Fail a wait with its own message before mocha's test timeout hides which one it was, but
  // only after long enough for a busy 2-core machine (waits end as soon as their condition holds).
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.addInitScript({ content: FAKE_VSCODE_API });
  await options.beforeLoad?.(page);
  await page.goto(url);
  if (options.waitFor) await page.locator(options.waitFor).first().waitFor();
  else await waitForPanel(page);
  return { page, errors };
}

export async function waitForPanel(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = globalThis as unknown as PageGlobals;
    return w.customElements.get('vscode-data-grid') !== undefined && w.document.querySelector('.gauge') !== null;
  });
}

export async function postHost(page: Page, message: HostMessage | Record<string, unknown>): Promise<void> {
  await page.evaluate((m) => (globalThis as unknown as PageGlobals).postMessage(m, '*'), message);
}

export async function posted(page: Page): Promise<WebviewMessage[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__posted.map((p) => p.message as WebviewMessage));
}

export async function postedWithView(page: Page): Promise<{ message: WebviewMessage; gaugeText: string | null }[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__posted as { message: WebviewMessage; gaugeText: string | null }[]);
}

export async function clearPosted(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).__posted.length = 0;
  });
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__csp);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
}
