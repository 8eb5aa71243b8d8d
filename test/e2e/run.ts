// `npm run test:e2e`: the whole real-host suite. UI scenarios (mocha, test/e2e/ui/*.test.ts)
// against code-server with the packaged VSIX, then the in-host suite (test/e2e/in-host) through
// the code-server launcher. Exits non-zero when anything fails. Everything is torn down.
//   E2E_SCREENSHOTS=1  screenshot every step into test-results/e2e/
//   E2E_GREP=<regex>   only UI scenarios whose title matches
//   E2E_SKIP_IN_HOST=1 / E2E_SKIP_UI=1
//   E2E_KEEP=1         keep the run folder (.e2e/runs/…) for inspection
//   CONVFORGE_E2E_CACHE=<dir>  cache folder (default: .e2e/ in the repo root)
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { getHarness, stopHarness, wallTimeSummary, writeWallTimes, recordWallTime } from './support/harness';
import { runInHostSuite } from './support/in-host-code-server';
import { E2E_ROOT } from './support/paths';

async function runUi(): Promise<number> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 180_000, color: true });
  if (process.env.E2E_GREP) mocha.grep(process.env.E2E_GREP);
  const dir = path.join(E2E_ROOT, 'ui');
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort()) mocha.addFile(path.join(dir, f));
  return new Promise((resolve) => mocha.run((failures) => resolve(failures)));
}

async function main(): Promise<number> {
  const started = Date.now();
  let failures = 0;
  try {
    const h = await getHarness();
    console.log(`e2e: host ready (${Object.entries(h.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')})`);
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
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    failures++;
  } finally {
    await stopHarness();
  }
  console.log(`e2e: ${failures === 0 ? 'passed' : `${failures} failure(s)`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failures === 0 ? 0 : 1;
}

main().then((code) => process.exit(code));
