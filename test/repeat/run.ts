// npm run test:repeat -- N [--hog K] [--grep PATTERN] [--timeout-min M] [spec…]
// Runs the mocha suite (or the given spec files) N times in a row, each in a fresh mocha process
// with the json reporter, and prints each run's totals as it ends, then the tests that failed at
// least once with their pass/fail counts. `--hog K` keeps K CPU-bound threads spinning for the
// whole time, to check the suite on a machine busier than it is. Every test's counts and the run
// totals are written to test-results/repeat/<start time>/ for the record. Exit code 1 when
// anything failed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Tally, formatFlakyTable, formatRun, formatTsv, type MochaReport } from './tally';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'test-results', 'repeat', new Date().toISOString().replace(/[:.]/g, '-'));
// The same selection as `npm run test:unit`.
const DEFAULT_SPEC = [
  'test/**/*.test.ts',
  '--ignore',
  'test/e2e/**',
  '--ignore',
  'test/**/*.redis.test.ts',
  '--ignore',
  'test/**/*.processes.test.ts',
];

interface Options {
  runs: number;
  hog: number;
  timeoutMin: number;
  spec: string[];
  /** Passed to mocha's --grep: repeat only the tests whose titles match. */
  grep?: string;
}

function parseArgs(argv: string[]): Options {
  const usage = 'usage: npm run test:repeat -- N [--hog K] [--grep PATTERN] [--timeout-min M] [spec…]';
  const options: Options = { runs: 0, hog: 0, timeoutMin: 20, spec: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const count = (name: string): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${name} needs a whole number. ${usage}`);
      return v;
    };
    if (a === '--hog') options.hog = count('--hog');
    else if (a === '--timeout-min') options.timeoutMin = count('--timeout-min');
    else if (a === '--grep' && i + 1 < argv.length) options.grep = argv[++i];
    else if (a.startsWith('--')) throw new Error(`Unknown option ${a}. ${usage}`);
    else if (options.runs === 0 && /^\d+$/.test(a)) options.runs = Number(a);
    else options.spec.push(a);
  }
  if (options.runs < 1) throw new Error(`Give the number of runs (at least 1). ${usage}`);
  return options;
}

/** One mocha run; resolves with its report, or undefined and why when there is none. */
let current: number | undefined;

function runOnce(spec: string[], reportFile: string, timeoutMin: number): Promise<{ report?: MochaReport; broken?: string }> {
  rmSync(reportFile, { force: true });
  const args = [require.resolve('mocha/bin/mocha.js'), ...spec, '--reporter', 'json', '--reporter-option', `output=${reportFile}`];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    current = child.pid;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMin * 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      if (timedOut) return resolve({ broken: `killed after ${timeoutMin} min` });
      if (!existsSync(reportFile)) {
        const tail = stderr.trim().split('\n').slice(-3).join(' / ');
        return resolve({ broken: `mocha ended (${signal ?? `exit ${code}`}) without a report: ${tail}` });
      }
      resolve({ report: JSON.parse(readFileSync(reportFile, 'utf8')) as MochaReport });
    });
  });
}

// Mocha runs in its own process group (so a hung run can be killed whole): take it down with us.
process.on('SIGINT', () => {
  if (current !== undefined) {
    try {
      process.kill(-current, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(130);
});

function startHogs(count: number): Worker[] {
  return Array.from({ length: count }, () => new Worker('for (;;) {}', { eval: true }));
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const spec = [...(options.spec.length > 0 ? options.spec : DEFAULT_SPEC), ...(options.grep ? ['--grep', options.grep] : [])];
  mkdirSync(OUT, { recursive: true });
  const hogs = startHogs(options.hog);
  const conditions = `${cpus().length} cores, ${options.hog} hog thread(s), load ${loadavg()[0].toFixed(1)} at start`;
  console.log(`test:repeat: ${options.runs} run(s) of mocha ${spec.join(' ')} (${conditions})`);
  const tally = new Tally();
  try {
    for (let run = 1; run <= options.runs; run++) {
      const load0 = loadavg()[0];
      const t0 = Date.now();
      const { report, broken } = await runOnce(spec, join(OUT, `run-${run}.json`), options.timeoutMin);
      const summary = tally.add(
        { run, seconds: (Date.now() - t0) / 1000, load: [load0, loadavg()[0]], ...(broken ? { broken } : {}) },
        report,
      );
      console.log(formatRun(summary, options.runs));
      for (const f of report?.failures ?? []) console.log(`    failed: ${f.fullTitle}`);
    }
  } finally {
    await Promise.all(hogs.map((w) => w.terminate()));
  }
  const table = formatFlakyTable(tally, ROOT);
  console.log('');
  for (const line of table) console.log(line);
  const runs = tally.runs;
  const failedRuns = runs.filter((r) => r.failed > 0).length;
  const totalFailed = runs.reduce((n, r) => n + r.failed, 0);
  const closing = `${runs.length} runs: ${runs.length - failedRuns} clean, ${failedRuns} with failures (${totalFailed} failed test runs in all)`;
  console.log(closing);
  console.log(`Per-test counts and reports: ${OUT}`);
  writeFileSync(join(OUT, 'tests.tsv'), formatTsv(tally));
  writeFileSync(
    join(OUT, 'runs.txt'),
    [`conditions: ${conditions}`, ...runs.map((r) => formatRun(r, runs.length)), '', ...table, closing, ''].join('\n'),
  );
  process.exitCode = failedRuns > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 2;
});
