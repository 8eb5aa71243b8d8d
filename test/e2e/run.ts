// `npm run test:e2e`: the whole real-host suite on both hosts of support/hosts.ts, the oldest VS
// Code `engines.vscode` admits and the newest code-server release, one after the other, each in
// its own process. Per host: UI scenarios (mocha, test/e2e/ui/*.test.ts) against code-server with
// the packaged VSIX, then the in-host suite (test/e2e/in-host) through the code-server launcher.
// Exits non-zero when anything fails on either host. Everything is torn down.
//   CONVFORGE_E2E_HOST=oldest|newest  only that host (in this process)
//   E2E_SCREENSHOTS=1  screenshot every step into test-results/e2e/
//   E2E_GREP=<regex>   only UI scenarios whose title matches
//   E2E_SKIP_IN_HOST=1 / E2E_SKIP_UI=1
//   E2E_KEEP=1         keep the run folder (.e2e/runs/…) for inspection
//   CONVFORGE_E2E_CACHE=<dir>  cache folder (default: .e2e/ in the repo root)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { currentHost, HOST_NAMES, HOSTS } from './support/hosts';
import { getHarness, stopHarness, wallTimeSummary, writeWallTimes, recordWallTime } from './support/harness';
import { runInHostSuite } from './support/in-host-code-server';
import { E2E_ROOT } from './support/paths';

async function runUi(): Promise<number> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 180_000, color: true });
  if (process.env.E2E_GREP) mocha.grep(process.env.E2E_GREP);
  const dir = path.join(E2E_ROOT, 'ui');
  for (const f of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort())
    mocha.addFile(path.join(dir, f));
  return new Promise((resolve) => mocha.run((failures) => resolve(failures)));
}

async function oneHost(): Promise<number> {
  const started = Date.now();
  let failures = 0;
  const target = currentHost();
  console.log(
    `e2e: host ${target.name}: code-server ${target.codeServer} (VS Code ${target.vscode}) on Node ${target.node ?? process.versions.node}`,
  );
  try {
    const h = await getHarness();
    console.log(
      `e2e: host ready (${Object.entries(h.timings)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
        .join(', ')})`,
    );
    if (process.env.E2E_SKIP_UI !== '1') failures += await runUi();
    if (process.env.E2E_SKIP_IN_HOST !== '1') {
      console.log('\ne2e: in-host suite (code-server launcher)');
      const r = await runInHostSuite({ skipBuild: true });
      recordWallTime('in-host suite (code-server)', r.wallMs, r.exitCode === 0 ? 'passed' : 'failed');
      if (r.exitCode !== 0) {
        console.log(`e2e: in-host suite exited with ${r.exitCode}`);
        failures++;
      }
    }
    const file = writeWallTimes(h.timings);
    console.log(`\ne2e wall times (${path.relative(process.cwd(), file)}):\n${wallTimeSummary()}`);
  } catch (err) {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    failures++;
  } finally {
    await stopHarness();
  }
  console.log(
    `e2e: ${target.name}: ${failures === 0 ? 'passed' : `${failures} failure(s)`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return failures === 0 ? 0 : 1;
}

/** Each host in a child process of its own: the harness keeps one server and browser per process. */
async function everyHost(): Promise<number> {
  const tsx = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  const results: { name: string; code: number; ms: number }[] = [];
  for (const name of HOST_NAMES) {
    const started = Date.now();
    const code = await new Promise<number>((resolve) => {
      const child = spawn(tsx, [__filename], { stdio: 'inherit', env: { ...process.env, CONVFORGE_E2E_HOST: name } });
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
      child.on('error', () => resolve(1));
    });
    results.push({ name, code, ms: Date.now() - started });
  }
  console.log('\ne2e: both hosts');
  for (const r of results) {
    const h = HOSTS[r.name as keyof typeof HOSTS];
    console.log(
      `  ${r.code === 0 ? 'passed' : 'FAILED'}  ${(r.ms / 1000).toFixed(0).padStart(4)} s  ${r.name}: code-server ${h.codeServer} (VS Code ${h.vscode})`,
    );
  }
  return results.every((r) => r.code === 0) ? 0 : 1;
}

(process.env.CONVFORGE_E2E_HOST ? oneHost() : everyHost()).then((code) => process.exit(code));
