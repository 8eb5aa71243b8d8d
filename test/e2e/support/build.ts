// Builds the extension the way it ships: esbuild bundles, then a VSIX from @vscode/vsce.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from './exec';
import { EXPECTED_VSIX_FILES } from '../../package/expected-files';
import { zipEntryNames } from '../../package/zip-listing';
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

/** `npm run package:vsix` (vsce package, as a release is built). Returns the VSIX path. */
export async function packageVsix(logFile: string): Promise<string> {
  const pkg = readPackage();
  const out = path.join(ensureDir(path.join(CACHE_DIR, 'vsix')), `${pkg.name}-${pkg.version}.vsix`);
  fs.rmSync(out, { force: true });
  await run('npm', ['run', '-s', 'package:vsix', '--', '--out', out], { cwd: REPO_ROOT, logFile, timeoutMs: 300_000 });
  return out;
}

/** Differences between the VSIX's file list and the one test/package pins. */
export function checkVsixContents(vsix: string): string[] {
  const files = zipEntryNames(vsix);
  return [
    ...EXPECTED_VSIX_FILES.filter((f) => !files.includes(f)).map((f) => `missing ${f}`),
    ...files.filter((f) => !EXPECTED_VSIX_FILES.includes(f)).map((f) => `should not ship ${f}`),
  ];
}
