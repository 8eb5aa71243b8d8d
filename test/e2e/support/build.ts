// Builds the extension the way it ships: esbuild bundles, then a VSIX from @vscode/vsce.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from './exec';
import { CACHE_DIR, ensureDir, REPO_ROOT } from './paths';

function readPackage(): { name: string; publisher: string; version: string } {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
}

export function extensionFolderName(): string {
  const pkg = readPackage();
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`;
}

export async function buildExtension(logFile: string): Promise<void> {
  await run(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, logFile, timeoutMs: 120_000 });
}

/** `vsce package --no-dependencies`: the bundle needs no node_modules. Returns the VSIX path. */
export async function packageVsix(logFile: string): Promise<string> {
  const pkg = readPackage();
  const out = path.join(ensureDir(path.join(CACHE_DIR, 'vsix')), `${pkg.name}-${pkg.version}.vsix`);
  fs.rmSync(out, { force: true });
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', out], {
    cwd: REPO_ROOT,
    logFile,
    timeoutMs: 120_000,
  });
  return out;
}

/** Checks what a VSIX must contain: the bundles and the schema, and no node_modules or sources. */
export async function checkVsixContents(vsix: string, logFile: string): Promise<string[]> {
  const listing = await run('unzip', ['-Z1', vsix], { logFile });
  const files = listing.split('\n').map((l) => l.trim()).filter(Boolean);
  const problems: string[] = [];
  for (const required of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/webview.js', 'extension/dist/webview.css', 'extension/schemas/prompt-file.schema.json']) {
    if (!files.includes(required)) problems.push(`missing ${required}`);
  }
  for (const f of files) {
    if (f.includes('/node_modules/') || f.startsWith('extension/src/') || f.startsWith('extension/test/') || f.startsWith('extension/.e2e/')) {
      problems.push(`should not ship ${f}`);
    }
  }
  return problems;
}
