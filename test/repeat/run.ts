// npm run test:repeat -- N [--hog K] [--grep PATTERN] [--timeout-min M] [--e2e oldest|newest|both] [spec…]
// Runs the mocha suite (or the given spec files) N times in a row, each in a fresh mocha process
// with the json reporter, and prints each run's totals as it ends, then the tests that failed at
// least once with their pass/fail counts. `--hog K` keeps K CPU-bound threads spinning for the
// whole time, to check the suite on a machine busier than it is. `--e2e HOST` repeats the
// real-host suite (`npm run test:e2e`, UI scenarios and in-host tests) on that host, or on both
// one after the other, instead of the unit suite; each title then carries its host. Every test's
// counts, the run totals (and for --e2e each run's console output) are written to
// test-results/repeat/<start time>/ for the record. Exit code 1 when anything failed.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Tally, formatFlakyTable, formatRun, formatTsv, mergeHostReports, type HostPart, type MochaReport } from './tally';

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

const E2E_HOSTS = { oldest: ['oldest'], newest: ['newest'], both: ['oldest', 'newest'] } as const;
type E2eChoice = keyof typeof E2E_HOSTS;

interface Options {
  runs: number;
  hog: number;
  /** Per mocha process, or per host with --e2e. */
  timeoutMin: number;
  spec: string[];
  /** Passed to mocha's --grep (E2E_GREP with --e2e): repeat only the tests whose titles match. */
  grep?: string;
  /** Repeat the real-host suite on these hosts instead of the unit suite. */
  e2e?: E2eChoice;
}

function parseArgs(argv: string[]): Options {
  const usage = 'usage: npm run test:repeat -- N [--hog K] [--grep PATTERN] [--timeout-min M] [--e2e oldest|newest|both] [spec…]';
  const options: Options = { runs: 0, hog: 0, timeoutMin: 0, spec: [] };
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
    else if (a === '--e2e') {
      const host = argv[++i];
      if (host === undefined || !Object.hasOwn(E2E_HOSTS, host)) throw new Error(`--e2e needs oldest, newest or both. ${usage}`);
      options.e2e = host as E2eChoice;
    } else if (a.startsWith('--')) throw new Error(`Unknown option ${a}. ${usage}`);
    else if (options.runs === 0 && /^\d+$/.test(a)) options.runs = Number(a);
    else options.spec.push(a);
  }
  if (options.runs < 1) throw new Error(`Give the number of runs (at least 1). ${usage}`);
  if (options.e2e && options.spec.length > 0) throw new Error(`--e2e runs the whole real-host suite: use --grep to narrow it. ${usage}`);
  // one host of the real-host suite takes 12-15 min on a busy 2-core machine
  if (options.timeoutMin === 0) options.timeoutMin = options.e2e ? 45 : 20;
  return options;
}

let current: number | undefined;

/**
 * One process that writes a json report to reportFile; resolves with the report, or undefined and
 * why when there is none. Its stdout goes to logFile when given, else nowhere.
 */
function runOnce(
  command: string,
  args: string[],
  opts: { reportFile: string; timeoutMin: number; env?: NodeJS.ProcessEnv; logFile?: string },
): Promise<{ report?: MochaReport; broken?: string }> {
  const { reportFile, timeoutMin } = opts;
  rmSync(reportFile, { force: true });
  const out = opts.logFile ? openSync(opts.logFile, 'w') : 'ignore';
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', out, 'pipe'], detached: true, env: opts.env ?? process.env });
    if (typeof out === 'number') closeSync(out);
    current = child.pid;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
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
      if (opts.logFile && stderr) writeFileSync(opts.logFile, `\n--- stderr (last 4,000 characters) ---\n${stderr}`, { flag: 'a' });
      if (timedOut) return resolve({ broken: `killed after ${timeoutMin} min` });
      if (!existsSync(reportFile)) {
        const tail = stderr.trim().split('\n').slice(-3).join(' / ');
        return resolve({ broken: `ended (${signal ?? `exit ${code}`}) without a report: ${tail}` });
      }
      resolve({ report: JSON.parse(readFileSync(reportFile, 'utf8')) as MochaReport });
    });
  });
}

function runMocha(spec: string[], run: number, timeoutMin: number): Promise<{ report?: MochaReport; broken?: string }> {
  const reportFile = join(OUT, `run-${run}.json`);
  const args = [require.resolve('mocha/bin/mocha.js'), ...spec, '--reporter', 'json', '--reporter-option', `output=${reportFile}`];
  return runOnce(process.execPath, args, { reportFile, timeoutMin });
}

/** The real-host suite once on each chosen host, one after the other; one report for the run. */
async function runE2e(choice: E2eChoice, run: number, options: Options): Promise<{ report: MochaReport; broken?: string }> {
  const parts: HostPart[] = [];
  for (const host of E2E_HOSTS[choice]) {
    const reportFile = join(OUT, `run-${run}-${host}.json`);
    const env: NodeJS.ProcessEnv = { ...process.env, CONVFORGE_E2E_HOST: host, E2E_REPORT: reportFile };
    if (options.grep) env.E2E_GREP = options.grep;
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const part = await runOnce(tsx, ['test/e2e/run.ts'], {
      reportFile,
      timeoutMin: options.timeoutMin,
      env,
      logFile: join(OUT, `run-${run}-${host}.log`),
    });
    parts.push({ host, ...part });
  }
  const broken = parts.filter((p) => p.broken).map((p) => `${p.host}: ${p.broken}`);
  return { report: mergeHostReports(parts), ...(broken.length > 0 ? { broken: broken.join('; ') } : {}) };
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
  const what = options.e2e
    ? `the real-host suite on ${E2E_HOSTS[options.e2e].join(' then ')}${options.grep ? ` (E2E_GREP ${options.grep})` : ''}`
    : `mocha ${spec.join(' ')}`;
  console.log(`test:repeat: ${options.runs} run(s) of ${what} (${conditions})`);
  const tally = new Tally();
  try {
    for (let run = 1; run <= options.runs; run++) {
      const load0 = loadavg()[0];
      const t0 = Date.now();
      const { report, broken } = options.e2e ? await runE2e(options.e2e, run, options) : await runMocha(spec, run, options.timeoutMin);
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
