// Debian's chromium driven by playwright-core (never `playwright`: it would download a browser).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { which } from './exec';
import { ensureDir } from './paths';
import { registerForExit } from './code-server';

export async function launchChromium(dir: string): Promise<Browser> {
  const executablePath = process.env.CONVFORGE_E2E_CHROMIUM ?? which('chromium') ?? which('chromium-browser');
  if (!executablePath || !fs.existsSync(executablePath)) {
    throw new Error('The real-host tests need Debian chromium: apt-get install -y chromium (or set CONVFORGE_E2E_CHROMIUM)');
  }
  // playwright gives every launch a fresh --user-data-dir under os.tmpdir(); the harness points
  // TMPDIR into its run folder (see session.ts), and chromium's own caches go there too.
  const home = ensureDir(path.join(dir, 'chromium-home'));
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: 60_000,
    env: { ...process.env, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home },
    args: [
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
  registerForExit(() => {
    void browser.close().catch(() => undefined);
  });
  return browser;
}
