import assert from 'node:assert/strict';
import { formatInHostResults, parseInHostResults } from '../e2e/support/in-host-results';
import { Tally, formatFlakyTable, formatRun, formatTsv, mergeHostReports, type MochaReport } from './tally';

const report = (passes: string[], failures: [string, string][]): MochaReport => ({
  stats: { passes: passes.length, failures: failures.length, pending: 0 },
  passes: passes.map((fullTitle) => ({ fullTitle, file: '/repo/test/a.test.ts' })),
  failures: failures.map(([fullTitle, message]) => ({ fullTitle, file: '/repo/test/a.test.ts', err: { message } })),
  pending: [],
});

describe('test:repeat tally', () => {
  it('counts passes and failures per test across runs, and lists only the tests that failed', () => {
    const tally = new Tally();
    tally.add({ run: 1, seconds: 10, load: [1, 2] }, report(['a', 'b'], []));
    tally.add({ run: 2, seconds: 12, load: [2, 3] }, report(['a'], [['b', 'Expected values to be strictly equal:\n\n3 !== 4\n']]));
    tally.add({ run: 3, seconds: 11, load: [3, 3] }, report(['a'], [['b', 'Expected values to be strictly equal:\n\n3 !== 4\n']]));

    assert.deepEqual(
      tally.flaky().map((t) => [t.title, t.passed, t.failed, t.messages]),
      [['b', 1, 2, ['Expected values to be strictly equal: 3 !== 4']]],
    );
    assert.deepEqual(
      tally.all().find((t) => t.title === 'a'),
      { title: 'a', file: '/repo/test/a.test.ts', passed: 3, failed: 0, messages: [] },
    );
    assert.deepEqual(formatFlakyTable(tally, '/repo'), [
      'passed  failed  test',
      '     1       2  b  [test/a.test.ts]',
      '                Expected values to be strictly equal: 3 !== 4',
    ]);
    assert.equal(formatRun(tally.runs[1]!, 3), 'run 2/3: 1 passing, 1 failing, 0 pending in 12 s, load 2.0→3.0');
    assert.equal(formatTsv(tally).split('\n').length, 4, 'header, two tests, final newline');
  });

  it('a run without a report (crashed or killed) counts as a failure of its own', () => {
    const tally = new Tally();
    const run = tally.add({ run: 1, seconds: 1200, load: [1, 1], broken: 'killed after 20 min' }, undefined);
    assert.equal(run.failed, 1);
    assert.deepEqual(formatFlakyTable(tally, '/repo').slice(1), [
      '     0       1  (the run itself)',
      '                killed after 20 min',
    ]);
  });

  it('with no failure, says so', () => {
    const tally = new Tally();
    tally.add({ run: 1, seconds: 1, load: [0, 0] }, report(['a'], []));
    assert.deepEqual(formatFlakyTable(tally, '/repo'), ['No test failed in any run.']);
  });

  it('a real-host run on both hosts: each title carries its host, and a host without a report fails the run', () => {
    const merged = mergeHostReports([
      { host: 'oldest', report: report(['a-generate'], [['b-status-bar', 'timed out']]) },
      { host: 'newest', broken: 'killed after 45 min' },
    ]);
    assert.deepEqual(merged.stats, { passes: 1, failures: 2, pending: 0 });
    assert.deepEqual(
      merged.failures.map((f) => [f.fullTitle, f.err?.message]),
      [
        ['[oldest] b-status-bar', 'timed out'],
        ['[newest] (the run itself)', 'killed after 45 min'],
      ],
    );
    const tally = new Tally();
    tally.add({ run: 1, seconds: 1500, load: [2, 3] }, merged);
    tally.add(
      { run: 2, seconds: 1500, load: [2, 3] },
      mergeHostReports([{ host: 'oldest', report: report(['a-generate', 'b-status-bar'], []) }]),
    );
    assert.deepEqual(
      tally.flaky().map((t) => [t.title, t.passed, t.failed]),
      [
        ['[newest] (the run itself)', 0, 1],
        ['[oldest] b-status-bar', 1, 1],
      ],
    );
  });

  it("reads the in-host suite's results line out of the forwarded console, and nothing from a suite that printed none", () => {
    const tests = { passes: ['activation is active'], failures: [{ title: 'secrets stores the key', message: '1 !== 2' }], pending: [] };
    const output = `  activation\n    ✔ is active\n${formatInHostResults(tests)}\nexit\n`;
    assert.deepEqual(parseInHostResults(output), tests);
    assert.equal(parseInHostResults('  activation\n    ✔ is active\n'), undefined);
    assert.equal(parseInHostResults(`${formatInHostResults(tests).slice(0, 40)}\n`), undefined, 'a cut line is no result');
  });
});
