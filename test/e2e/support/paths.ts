// Where the real-host harness keeps things. Every path is computed at run time from this file's
// location, so nothing machine-specific is ever written into the repository.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { currentHost } from './hosts';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const E2E_ROOT = path.join(REPO_ROOT, 'test', 'e2e');

/** code-server install and packaged VSIX live here, outside the project's node_modules (git-ignored). */
export const CACHE_DIR = path.resolve(process.env.CONVFORGE_E2E_CACHE ?? path.join(REPO_ROOT, '.e2e'));

/** Screenshots and logs a person looks at after a run, one folder per host (hosts.ts). */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results', 'e2e', currentHost().name);

let runDir: string | undefined;

/** One throwaway folder per harness process: profiles, workspaces, TMPDIR, XDG dirs. */
export function runRoot(): string {
  if (!runDir) {
    // short names: VS Code's IPC socket path (in TMPDIR) must stay under 107 characters
    const base = path.join(CACHE_DIR, 'r');
    fs.mkdirSync(base, { recursive: true });
    runDir = fs.mkdtempSync(path.join(base, `${process.pid}-`));
  }
  return runDir;
}

export function ensureDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes this process's run folder (unless E2E_KEEP=1). */
export function removeRunRoot(): void {
  if (runDir && process.env.E2E_KEEP !== '1') fs.rmSync(runDir, { recursive: true, force: true });
  runDir = undefined;
}
