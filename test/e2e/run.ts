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
//   E2E_REPORT=<file>  also write each test's outcome there, in the shape of mocha's json
//                      reporter (what `npm run test:repeat -- N --e2e` reads); with both
//                      hosts, one file each: report.json → report.oldest.json, report.newest.json
//   CONVFORGE_E2E_CACHE=<dir>  cache folder (default: .e2e/ in the repo root)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { currentHost, HOST_NAMES, HOSTS } from './support/hosts';
import { getHarness, stopHarness, wallTimeSummary, writeWallTimes, recordWallTime } from './support/harness';
import { runInHostSuite } from './support/in-host-code-server';
import type { InHostTests } from './support/in-host-results';
import { E2E_ROOT } from './support/paths';
import type { MochaReport } from '../repeat/tally';

/** Every test's outcome on this host, UI and in-host, for E2E_REPORT. */
const report: MochaReport = { stats: { passes: 0, failures: 0, pending: 0 }, passes: [], failures: [], pending: [] };

function recordFailure(fullTitle: string, file: string, message: string): void {
  report.failures.push({ fullTitle, file, err: { message } });
}

async function runUi(): Promise<number> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 180_000, color: true });
  if (process.env.E2E_GREP) mocha.grep(process.env.E2E_GREP);
  const dir = path.join(E2E_ROOT, 'ui');
  for (const f of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort())
    mocha.addFile(path.join(dir, f));
  return new Promise((resolve) => {
    mocha
      .run((failures) => resolve(failures))
      .on('pass', (t) => report.passes.push({ fullTitle: t.fullTitle(), file: t.file ?? '' }))
      .on('pending', (t) => report.pending.push({ fullTitle: t.fullTitle(), file: t.file ?? '' }))
      .on('fail', (t, err: Error) => recordFailure(t.fullTitle(), t.file ?? '', String(err?.message ?? err)));
  });
}

const IN_HOST_FILE = path.join(E2E_ROOT, 'in-host');

function recordInHost(r: { exitCode: number; tests?: InHostTests }): void {
  const tests = r.tests ?? { passes: [], failures: [], pending: [] };
  for (const t of tests.passes) report.passes.push({ fullTitle: `in-host: ${t}`, file: IN_HOST_FILE });
  for (const t of tests.pending) report.pending.push({ fullTitle: `in-host: ${t}`, file: IN_HOST_FILE });
  for (const t of tests.failures) recordFailure(`in-host: ${t.title}`, IN_HOST_FILE, t.message);
  // a suite that crashed, hung or printed no results still fails the run, under a title of its own
  if (!r.tests) recordFailure('in-host: (the suite printed no per-test results)', IN_HOST_FILE, `exit code ${r.exitCode}`);
  else if (r.exitCode !== 0 && tests.failures.length === 0)
    recordFailure('in-host: (the suite itself)', IN_HOST_FILE, `exit code ${r.exitCode} after every test passed`);
}

function writeReport(file: string): void {
  report.stats = { passes: report.passes.length, failures: report.failures.length, pending: report.pending.length };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
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
      recordInHost(r);
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
    recordFailure('(the host: setup or teardown)', '', err instanceof Error ? err.message : String(err));
  } finally {
    await stopHarness();
    if (process.env.E2E_REPORT) writeReport(process.env.E2E_REPORT);
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
      const env: NodeJS.ProcessEnv = { ...process.env, CONVFORGE_E2E_HOST: name };
      // one report per host: name.json becomes name.oldest.json and name.newest.json
      if (env.E2E_REPORT) env.E2E_REPORT = env.E2E_REPORT.replace(/(\.json)?$/, `.${name}.json`);
      const child = spawn(tsx, [__filename], { stdio: 'inherit', env });
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
