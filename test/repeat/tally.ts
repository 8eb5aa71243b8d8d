// Pass/fail counts per test over repeated runs of the suite, from mocha's json reporter.

/** The parts of mocha's json report that the tally reads. */
export interface MochaReport {
  stats: { passes: number; failures: number; pending: number; duration?: number };
  passes: { fullTitle: string; file?: string }[];
  failures: { fullTitle: string; file?: string; err?: { message?: string } }[];
  pending: { fullTitle: string; file?: string }[];
}

export interface RunSummary {
  run: number;
  passed: number;
  failed: number;
  pending: number;
  seconds: number;
  /** 1-minute load average when the run started and ended. */
  load: [number, number];
  /** Set when mocha produced no report (crashed, hung, killed). */
  broken?: string;
}

export interface TestTally {
  title: string;
  file: string;
  passed: number;
  failed: number;
  /** First line of each distinct failure message, in the order first seen. */
  messages: string[];
}

export class Tally {
  private readonly tests = new Map<string, TestTally>();
  readonly runs: RunSummary[] = [];

  /** Adds one run's report; a hook failure counts as a failing entry of its own. */
  add(run: Omit<RunSummary, 'passed' | 'failed' | 'pending'>, report: MochaReport | undefined): RunSummary {
    const summary: RunSummary = report
      ? { ...run, passed: report.stats.passes, failed: report.stats.failures, pending: report.stats.pending }
      : { ...run, passed: 0, failed: 1, pending: 0 };
    this.runs.push(summary);
    if (!report) {
      this.entry('(the run itself)', '').failed++;
      this.entry('(the run itself)', '').messages.push(run.broken ?? 'no report');
      return summary;
    }
    for (const t of report.passes) this.entry(t.fullTitle, t.file).passed++;
    for (const t of report.failures) {
      const e = this.entry(t.fullTitle, t.file);
      e.failed++;
      const message = firstLine(t.err?.message ?? '(no message)');
      if (!e.messages.includes(message)) e.messages.push(message);
    }
    return summary;
  }

  all(): TestTally[] {
    return [...this.tests.values()].sort((a, b) => b.failed - a.failed || a.title.localeCompare(b.title));
  }

  flaky(): TestTally[] {
    return this.all().filter((t) => t.failed > 0);
  }

  private entry(title: string, file: string | undefined): TestTally {
    const key = `${file ?? ''}\u0000${title}`;
    let e = this.tests.get(key);
    if (!e) this.tests.set(key, (e = { title, file: file ?? '', passed: 0, failed: 0, messages: [] }));
    return e;
  }
}

/** The message on one line (assertion diffs span several), cut to a table-friendly length. */
export function firstLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

export function formatRun(r: RunSummary, of: number): string {
  const load = `load ${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)}`;
  const broken = r.broken ? ` (${r.broken})` : '';
  return `run ${r.run}/${of}: ${r.passed} passing, ${r.failed} failing, ${r.pending} pending in ${r.seconds.toFixed(0)} s, ${load}${broken}`;
}

/** The compact table: only tests that failed at least once, with their pass/fail counts. */
export function formatFlakyTable(tally: Tally, relativeTo: string): string[] {
  const flaky = tally.flaky();
  if (flaky.length === 0) return ['No test failed in any run.'];
  const lines = ['passed  failed  test'];
  for (const t of flaky) {
    const file = t.file.startsWith(relativeTo) ? t.file.slice(relativeTo.length + 1) : t.file;
    lines.push(`${String(t.passed).padStart(6)}  ${String(t.failed).padStart(6)}  ${t.title}${file ? `  [${file}]` : ''}`);
    for (const m of t.messages) lines.push(`${' '.repeat(16)}${m}`);
  }
  return lines;
}

/** Every test, one line each, tab-separated: for the record, not for the console. */
export function formatTsv(tally: Tally): string {
  const rows = tally.all().map((t) => [t.passed, t.failed, t.file, t.title, t.messages.join(' | ')].join('\t'));
  return ['passed\tfailed\tfile\ttest\tmessages', ...rows].join('\n') + '\n';
}

/** One host's part of a real-host run: its report, or why there is none. */
export interface HostPart {
  host: string;
  report?: MochaReport;
  broken?: string;
}

/**
 * One report for a run of the real-host suite over one or more hosts: every title carries its host,
 * since a test that fails on one VS Code only is a finding of its own. A host without a report
 * counts as one failing entry, so that run is never read as clean.
 */
export function mergeHostReports(parts: HostPart[]): MochaReport {
  const merged: MochaReport = { stats: { passes: 0, failures: 0, pending: 0 }, passes: [], failures: [], pending: [] };
  for (const part of parts) {
    const tag = (t: { fullTitle: string; file?: string }) => ({ ...t, fullTitle: `[${part.host}] ${t.fullTitle}` });
    if (!part.report) {
      merged.failures.push({ fullTitle: `[${part.host}] (the run itself)`, file: '', err: { message: part.broken ?? 'no report' } });
      continue;
    }
    merged.passes.push(...part.report.passes.map(tag));
    merged.failures.push(...part.report.failures.map(tag));
    merged.pending.push(...part.report.pending.map(tag));
  }
  merged.stats = { passes: merged.passes.length, failures: merged.failures.length, pending: merged.pending.length };
  return merged;
}
