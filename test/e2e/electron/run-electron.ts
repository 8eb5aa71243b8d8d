// Launcher 2 of 2 for the in-host suite: @vscode/test-electron (runTests). It downloads VS Code
// from Microsoft, so it is for contributors with internet; without it, it fails fast with a
// clear message instead of hanging. `npm run test:e2e:electron`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleInHostSuite } from '../support/bundle-in-host';
import { buildExtension } from '../support/build';
import { CACHE_DIR, E2E_ROOT, removeRunRoot, REPO_ROOT, runRoot } from '../support/paths';

const VERSION = process.env.CONVFORGE_E2E_VSCODE_VERSION ?? '1.100.3';
const UPDATE_HOST = 'https://update.code.visualstudio.com';

async function reachable(url: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    return res.status < 500 ? undefined : `HTTP ${res.status}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return cause ?? (err instanceof Error ? err.message : String(err));
  }
}

async function main(): Promise<number> {
  const cachePath = path.join(CACHE_DIR, 'vscode-test');
  const haveCached = fs.existsSync(cachePath) && fs.readdirSync(cachePath).some((f) => f.includes(VERSION));
  if (!haveCached) {
    const problem = await reachable(`${UPDATE_HOST}/api/releases/stable`, 8_000);
    if (problem) {
      console.error(
        `test:e2e:electron needs to download VS Code ${VERSION} from ${UPDATE_HOST} and cannot reach it (${problem}).\n` +
          'On machines without internet use `npm run test:e2e` (code-server runs the same in-host suite).',
      );
      return 2;
    }
  }
  const dir = fs.mkdtempSync(path.join(runRoot(), 'electron-'));
  await buildExtension(path.join(dir, 'build.log'));
  const suite = await bundleInHostSuite(path.join(dir, 'suite'));
  const workspace = path.join(dir, 'workspace');
  fs.cpSync(path.join(E2E_ROOT, 'fixtures', 'workspace'), workspace, { recursive: true });
  const { runTests } = await import('@vscode/test-electron');
  try {
    await runTests({
      version: VERSION,
      cachePath,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suite,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${path.join(dir, 'user-data')}`,
      ],
      extensionTestsEnv: { CONVFORGE_E2E_IN_HOST: '1' },
      timeout: 120_000,
    });
    return 0;
  } catch (err) {
    console.error(`in-host suite (electron) failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    removeRunRoot();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
