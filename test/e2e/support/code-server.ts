// Starts code-server (the host picked in hosts.ts) on a free loopback port with a throwaway
// profile: user-data-dir, extensions-dir, XDG dirs and TMPDIR all inside the run folder. Always
// through the host's own Node (the newest code-server needs Node 24). `raw: true` starts VS Code's
// own server instead of code-server's CLI: only it accepts --enable-smoke-test-driver, which the
// newest VS Code needs before it reports an extension-test exit code to the page.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from './exec';
import { freePort } from './free-port';
import type { InstalledHost } from './install';
import { ensureDir } from './paths';

export interface CodeServerOptions {
  host: InstalledHost;
  /** VS Code's raw server (server-main.js) with the smoke-test driver, instead of code-server's CLI. */
  raw?: boolean;
  /** Everything of this server lives below it. */
  dir: string;
  /** Installed with `--install-extension --force` before the server starts. */
  vsix?: string;
  /** Merged over the harness defaults into <user-data-dir>/User/settings.json. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for the server and so for the extension host (e.g. ANTHROPIC_API_KEY). */
  env?: Record<string, string>;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly logFile: string;
  /** The workbench URL that opens `folder` (an absolute path), with an optional payload. */
  workbenchUrl(folder: string, payload?: [string, string][]): string;
  stop(): Promise<void>;
}

const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'chat.commandCenter.enabled': false,
  // newer VS Code opens a Chat side bar on first start; it narrows the editor and the panel, and
  // the screenshots should show what a user of the extension looks at
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'workbench.editor.enablePreview': false,
  // the throwaway workspaces live inside the project's git tree
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

function serverEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // the harness's own key must never reach the host unless a test passes one in
  delete env.ANTHROPIC_API_KEY;
  delete env.ANTHROPIC_BASE_URL;
  delete env.VSCODE_IPC_HOOK_CLI;
  return {
    ...env,
    EXTENSIONS_GALLERY: '{}',
    XDG_CONFIG_HOME: ensureDir(path.join(dir, 'xdg-config')),
    XDG_DATA_HOME: ensureDir(path.join(dir, 'xdg-data')),
    XDG_CACHE_HOME: ensureDir(path.join(dir, 'xdg-cache')),
    TMPDIR: ensureDir(path.join(dir, 't')),
    ...extra,
  };
}

async function waitForHealth(url: string, child: ChildProcess, logFile: string, timeoutMs: number, raw = false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before it was ready (log: ${logFile})`);
    try {
      // the raw server has no /healthz; its workbench page answers once it is up
      const res = await fetch(raw ? `${url}/version` : `${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms (log: ${logFile})`);
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const dir = ensureDir(options.dir);
  const userDataDir = ensureDir(path.join(dir, 'user-data'));
  const extensionsDir = ensureDir(path.join(dir, 'extensions'));
  const logFile = path.join(dir, 'code-server.log');
  ensureDir(path.join(userDataDir, 'User'));
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...options.userSettings }, null, 2));
  const host = options.host;
  const env = serverEnv(dir, { ...host.env, ...options.env });
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (options.raw) {
    // the raw server keeps remote settings here; they apply like user settings in the workbench
    const machine = ensureDir(path.join(userDataDir, 'data', 'Machine'));
    fs.writeFileSync(path.join(machine, 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...options.userSettings }, null, 2));
  }

  if (options.vsix) {
    await run(host.node, [host.codeServerJs, ...common, '--install-extension', options.vsix, '--force'], {
      env,
      logFile,
      timeoutMs: 120_000,
    });
  }

  const port = await freePort();
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const log = fs.openSync(logFile, 'a');
  const args = options.raw
    ? [
        host.serverMainJs,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--without-connection-token',
        '--accept-server-license-terms',
        '--server-data-dir',
        userDataDir,
        '--extensions-dir',
        extensionsDir,
        '--enable-smoke-test-driver',
        '--disable-telemetry',
        '--disable-workspace-trust',
      ]
    : [
        host.codeServerJs,
        '--config',
        config,
        ...common,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
      ];
  // its own process group, so stop() takes the extension hosts and watchers with it
  const child = spawn(host.node, args, { env, stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        killGroup(child, 'SIGKILL'); // stragglers in the group
        resolve();
      });
      killGroup(child, 'SIGTERM');
    });
    return stopped;
  };
  registerForExit(() => killGroup(child, 'SIGKILL'));
  try {
    await waitForHealth(url, child, logFile, 60_000, options.raw);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    port,
    userDataDir,
    logFile,
    workbenchUrl(folder, payload) {
      const query = new URLSearchParams({ folder });
      if (payload) query.set('payload', JSON.stringify(payload));
      return `${url}/?${query.toString()}`;
    },
    stop,
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

// Last line of defence: a harness killed by Ctrl-C or a mocha bail still takes its servers down.
const exitHooks = new Set<() => void>();
let hooked = false;
export function registerForExit(kill: () => void): void {
  exitHooks.add(kill);
  if (hooked) return;
  hooked = true;
  const killAll = (): void => {
    for (const hook of exitHooks) hook();
  };
  process.once('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll();
      setTimeout(() => process.exit(130), 500);
    });
  }
}
