// Runs inside the VS Code extension host (code-server or @vscode/test-electron): the VS Code test
// API calls the bundle's run(). The bundle's generated entry passes one loader per test file, so
// the files are evaluated after mocha has installed its globals.
import Mocha from 'mocha';
import { formatInHostResults, type InHostTests } from '../support/in-host-results';

export function runSuite(loaders: (() => unknown)[]): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.CONVFORGE_E2E_TEST_TIMEOUT ?? 20_000),
    reporter: 'spec',
  });
  const grep = process.env.CONVFORGE_E2E_GREP;
  if (grep) mocha.grep(grep);
  mocha.suite.emit('pre-require', globalThis, 'in-host-bundle', mocha);
  for (const load of loaders) load();
  const tests: InHostTests = { passes: [], failures: [], pending: [] };
  return new Promise((resolve, reject) => {
    try {
      mocha
        .run((failures) => {
          console.log(formatInHostResults(tests));
          if (failures > 0) reject(new Error(`${failures} in-host test(s) failed`));
          else resolve();
        })
        .on('pass', (t) => tests.passes.push(t.fullTitle()))
        .on('pending', (t) => tests.pending.push(t.fullTitle()))
        .on('fail', (t, err: Error) => tests.failures.push({ title: t.fullTitle(), message: String(err?.message ?? err) }));
    } catch (err) {
      reject(err);
    }
  });
}
