// Installs code-server (a full VS Code 1.100 build) into the e2e cache, following
// shared/VSCODE-HOST.md: TMPDIR inside the run folder, ripgrep cache seeded from Debian's rg,
// npm_config_unsafe_perm / npm_config_yes, and never into the project's node_modules.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, which } from './exec';
import { CACHE_DIR, CODE_SERVER_VERSION, ensureDir } from './paths';

const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export function codeServerDir(): string {
  return path.join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerBin(): string {
  return path.join(codeServerDir(), 'node_modules', '.bin', 'code-server');
}

const MARKER = '.installed';

function isValid(): boolean {
  const dir = codeServerDir();
  try {
    const marker = fs.readFileSync(path.join(dir, MARKER), 'utf8').trim();
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'code-server', 'package.json'), 'utf8'));
    return marker === CODE_SERVER_VERSION && pkg.version === CODE_SERVER_VERSION && fs.existsSync(codeServerBin())
      // the postinstall installs VS Code's own server dependencies; without them the host never starts
      && fs.existsSync(path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'));
  } catch {
    return false;
  }
}

function missingSystemPieces(): string[] {
  const missing: string[] = [];
  if (!which('chromium')) missing.push('chromium');
  if (!which('rg')) missing.push('ripgrep');
  if (!fs.existsSync('/usr/include/gssapi.h') && !fs.existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  return missing;
}

/** Returns the code-server binary, installing it first when the cache is missing or stale. */
export async function ensureCodeServer(log: (msg: string) => void = console.log): Promise<string> {
  const missing = missingSystemPieces();
  if (missing.length > 0) {
    throw new Error(`The real-host tests need Debian packages: apt-get update && apt-get install -y ${missing.join(' ')}`);
  }
  if (isValid()) return codeServerBin();

  const dir = codeServerDir();
  const started = Date.now();
  log(`e2e: installing code-server@${CODE_SERVER_VERSION} into ${path.relative(process.cwd(), dir) || dir} (~40 s, once)`);
  fs.rmSync(dir, { recursive: true, force: true });
  ensureDir(dir);
  const tmp = ensureDir(path.join(dir, '.tmp'));
  const rgCache = ensureDir(path.join(tmp, RIPGREP_CACHE));
  const rg = which('rg')!;
  await run('tar', ['czf', path.join(rgCache, RIPGREP_TARBALL), '-C', path.dirname(fs.realpathSync(rg)), path.basename(fs.realpathSync(rg))]);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'convforge-e2e-host', private: true }, null, 2));
  const logFile = path.join(dir, 'install.log');
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: dir,
    logFile,
    timeoutMs: 15 * 60_000,
    env: {
      ...process.env,
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
    },
  });
  if (!fs.existsSync(codeServerBin())) throw new Error(`code-server installed but ${codeServerBin()} is missing (log: ${logFile})`);
  fs.writeFileSync(path.join(dir, MARKER), CODE_SERVER_VERSION);
  fs.rmSync(tmp, { recursive: true, force: true });
  log(`e2e: code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return codeServerBin();
}
