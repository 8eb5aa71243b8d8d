// Launcher 1 of 2 for the in-host suite: code-server + chromium. code-server has no
// --extensionDevelopmentPath flag; the workbench URL's `payload` carries the same thing, and the
// suite's exit code comes back through window.codeAutomationExit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { bundleInHostSuite, inHostTestFiles } from './bundle-in-host';
import { launchChromium } from './browser';
import { buildExtension } from './build';
import { startCodeServer } from './code-server';
import { ensureCodeServer } from './install';
import { E2E_ROOT, ensureDir, REPO_ROOT, RESULTS_DIR, runRoot } from './paths';
import { ENV_API_KEY, useRunTmp } from './harness';
import { IN_HOST_RESULTS_MARKER, parseInHostResults, type InHostTests } from './in-host-results';

export interface InHostOptions {
  /** Test files (names in test/e2e/in-host) to run; all by default. */
  files?: string[];
  /** Skip `node esbuild.js` (the caller built already). */
  skipBuild?: boolean;
  timeoutMs?: number;
  /** Extra environment for the extension host. */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface InHostResult {
  exitCode: number;
  wallMs: number;
  output: string;
  /** Each test's outcome, when the suite got as far as printing them. */
  tests?: InHostTests;
}

export async function runInHostSuite(options: InHostOptions = {}): Promise<InHostResult> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => process.stdout.write(line));
  useRunTmp();
  const host = await ensureCodeServer();
  const dir = fs.mkdtempSync(path.join(runRoot(), 'ih-'));
  if (!options.skipBuild) await buildExtension(path.join(dir, 'build.log'));
  const suite = await bundleInHostSuite(path.join(dir, 'suite'), options.files ?? inHostTestFiles());

  const workspace = path.join(dir, 'workspace');
  fs.cpSync(path.join(E2E_ROOT, 'fixtures', 'workspace'), workspace, { recursive: true });

  const server = await startCodeServer({
    host,
    raw: host.target.inHostOnRawServer,
    dir: path.join(dir, 's'),
    env: { ANTHROPIC_API_KEY: ENV_API_KEY, CONVFORGE_E2E_IN_HOST: '1', ...options.env },
    userSettings: { 'conversationForge.useSimulator': true },
  });
  let browser;
  let output = '';
  try {
    browser = await launchChromium(dir);
    const page = await browser.newPage();
    // the remote authority is in the workbench page's configuration; on 1.100 it is host:port
    const html = await (await fetch(server.workbenchUrl(workspace))).text();
    const authority =
      /&quot;remoteAuthority&quot;:&quot;([^&]+)&quot;/.exec(html)?.[1] ??
      /"remoteAuthority":"([^"]+)"/.exec(html)?.[1] ??
      `127.0.0.1:${server.port}`;
    const remote = (p: string) => `vscode-remote://${authority}${p}`;

    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      // the host forwards console.log's arguments, printf format string first (mocha's spec reporter uses %s)
      const line = format(...(Array.isArray(args) ? args : [args]));
      output += `${line}\n`;
      if (!line.startsWith(IN_HOST_RESULTS_MARKER)) log(`${type === 'error' ? '[host:error] ' : ''}${line}\n`);
    });
    const url = server.workbenchUrl(workspace, [
      ['extensionDevelopmentPath', remote(REPO_ROOT)],
      ['extensionTestsPath', remote(suite)],
      ['skipWelcome', 'true'],
    ]);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const timeoutMs = options.timeoutMs ?? 180_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        log(`in-host suite gave no exit code within ${timeoutMs} ms\n`);
        resolve(124);
      }, timeoutMs);
    });
    const exitCode = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    if (exitCode !== 0) {
      const shot = path.join(ensureDir(path.join(RESULTS_DIR, 'in-host')), `exit-${exitCode}.png`);
      await page.screenshot({ path: shot }).catch(() => undefined);
    }
    const tests = parseInHostResults(output);
    return { exitCode, wallMs: Date.now() - started, output, ...(tests ? { tests } : {}) };
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    if (process.env.E2E_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
  }
}
