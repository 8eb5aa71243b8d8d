import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fmt, formatTable } from '../table';
import { runCpuPerRequest, type CpuRounds } from './cpu-per-request';
import { GC, NO_OWNER, SDK_OWNER } from './cpu-owners';
import { LONG_GEN, runLongGeneration, type LongGenResult } from './long-generations';
import { runResume, type ResumeResult } from './resume';
import { DEFAULT_PACE_SECONDS, DEFAULT_SAFETY_MARGIN, DEFAULT_TRANSIT_MS } from '../../src/core/limiter/rate-limiter-options';

const CPU_REQUESTS = 5000;

export const SCALE_PARTS = ['long', 'cpu', 'resume'] as const;
type Part = (typeof SCALE_PARTS)[number];

export interface ScaleResults {
  long?: LongGenResult[];
  cpu?: CpuRounds[];
  resume?: ResumeResult[];
}

/** The three scale benchmarks of the issue on high tiers, long generations and large datasets. */
export async function runScale(args: readonly string[], log: (line: string) => void): Promise<ScaleResults> {
  const parts = args.filter((a) => !a.startsWith('--')) as Part[];
  for (const p of parts)
    if (!SCALE_PARTS.includes(p)) throw new Error(`Expected a scale part among ${SCALE_PARTS.join(', ')}, got \`${p}\``);
  const want = (p: Part) => parts.length === 0 || parts.includes(p);
  const progress = (line: string) => void process.stderr.write(`${line}\n`);
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'esbuild.js')], { cwd: join(__dirname, '..', '..'), stdio: 'ignore' });
  const results: ScaleResults = {};

  if (want('long')) {
    log('-- high tier, long generations (CLI + simulator process) --');
    const rows: LongGenResult[] = [];
    for (const s of LONG_GEN) rows.push(await runLongGeneration(s, progress));
    log(
      formatTable(
        [
          'scenario',
          'conversations',
          'ideal s',
          'wall s',
          'done',
          'projected s',
          'efficiency',
          'start-up s',
          'send rate / limit',
          'peak in flight',
          '429s',
          'peak RSS MB',
          'CPU ms/req',
        ],
        rows.map((r) => [
          r.scenario,
          fmt(r.conversations),
          fmt(r.idealSeconds, 1),
          `${fmt(r.wallSeconds, 1)}${r.capped ? ' cap' : ''}`,
          fmt(r.completed),
          fmt(r.projectedSeconds, 1),
          fmt(r.efficiency, 2),
          fmt(r.startupSeconds, 2),
          fmt(r.sendRate, 3),
          fmt(r.peakInFlight),
          fmt(r.http429),
          fmt(r.maxRssMb),
          fmt(r.cpuMsPerRequest, 2),
        ]),
      ),
    );
    for (const r of rows) {
      if (r.efficiency < 0.95 || r.http429 > 0) log(`  below target (≥ 0.95, no 429s): ${r.scenario}: ${shortfall(r)}`);
      else if (r.losses) log(`  at target: ${r.scenario}: efficiency ${fmt(r.efficiency, 3)}; ${lossText(r)}`);
    }
    log(
      '  efficiency = ideal / wall, wall from spawning the CLI to its exit; send rate = how close the span from the first to the last message request came to what the limit needs (start-up, the estimate and the last answers outside it).',
    );
    results.long = rows;
  }

  if (want('cpu')) {
    const rounds = roundsOf(args);
    log(`-- client CPU per request (user + system of the client process), ${rounds} rounds taking turns, medians --`);
    const clients = await runCpuPerRequest(CPU_REQUESTS, rounds, progress);
    log(
      formatTable(
        ['client', 'requests', 'wall s', 'CPU s', 'CPU ms/request', 'each round', 'peak in flight', 'peak RSS MB'],
        clients.map(({ client, runs, median: r }) => [
          client,
          fmt(r.requests),
          fmt(r.wallSeconds, 1),
          fmt(r.cpuMs / 1000, 2),
          fmt(r.cpuMsPerRequest, 3),
          runs.map((run) => fmt(run.cpuMsPerRequest, 2)).join(', '),
          fmt(r.peakInFlight),
          fmt(r.maxRssMb),
        ]),
      ),
    );
    for (const r of clients.flatMap((c) => c.runs)) {
      if (r.exitCode !== 0) log(`  ${r.client} exited with ${r.exitCode}, so its figures include work that failed: ${r.failure ?? ''}`);
      if (r.requests < CPU_REQUESTS)
        log(`  ${r.client} sent ${fmt(r.requests)} of the ${fmt(CPU_REQUESTS)} requests: its CPU per request is not comparable`);
    }
    const [sdk, ...clis] = clients;
    for (const cli of clis) {
      if (!sdk) break;
      const overhead = cli.median.cpuMsPerRequest - sdk.median.cpuMsPerRequest;
      const paired = cli.runs.map((run, i) => run.cpuMsPerRequest - (sdk.runs[i]?.cpuMsPerRequest ?? Number.NaN));
      const extra = Math.max(...cli.runs.map((run) => run.requests)) - sdk.median.requests;
      log(
        `  ${cli.client}: engine overhead ${fmt(overhead, 3)} ms of CPU per request beyond the SDK alone (target ≤ 1; medians); ratio ${fmt(cli.median.cpuMsPerRequest / sdk.median.cpuMsPerRequest, 2)}×; within each round ${paired.map((d) => fmt(d, 2)).join(', ')} ms` +
          (extra > 0 ? `; up to ${fmt(extra)} requests beyond the ${fmt(sdk.median.requests)} (429s)` : ''),
      );
    }
    log(ownersText(clients));
    results.cpu = clients;
  }

  if (want('resume')) {
    log(
      '-- plan and resume only (not generated): half the conversations already journaled, stopped by a tiny budget before the first request --',
    );
    const rows: ResumeResult[] = [];
    for (const n of [10_000, 100_000, 1_000_000]) {
      try {
        rows.push(await runResume(n, progress));
      } catch (e) {
        log(`  ${fmt(n)} conversations: not run: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    log(
      formatTable(
        ['conversations', 'journaled', 'open+plan+estimate s', 'CPU s', 'peak RSS MB', 'exit'],
        rows.map((r) => [
          fmt(r.conversations),
          fmt(r.journaled),
          fmt(r.wallSeconds, 2),
          fmt(r.cpuSeconds, 2),
          fmt(r.maxRssMb),
          `${r.code}${r.resumeLine ? '' : ' (no resume line)'}`,
        ]),
      ),
    );
    const a = rows[0];
    const c = rows.at(-1);
    if (a && c && c !== a)
      log(
        `  growth: ${fmt(((c.maxRssMb - a.maxRssMb) * 1024 * 1024) / (c.conversations - a.conversations))} bytes of peak RSS per additional conversation (target ≤ ~100; ≤ 300 MB at 1M)`,
      );
    results.resume = rows;
  }
  return results;
}

function shortfall(r: LongGenResult): string {
  const reasons: string[] = [];
  if (r.efficiency < 0.95)
    reasons.push(
      `efficiency ${fmt(r.efficiency, 3)} with a peak of ${fmt(r.peakInFlight)} in flight; ${fmt(r.startupSeconds, 1)} s before the first request, requests sent at ${fmt(r.sendRate, 3)} of the limit`,
    );
  if (r.efficiency < 0.95 && r.losses) reasons.push(lossText(r));
  if (r.http429 > 0) reasons.push(`${r.http429} 429s`);
  return reasons.join('; ');
}

/** wall − ideal in its parts, each with what it is made of. */
function lossText(r: LongGenResult): string {
  const l = r.losses!;
  return (
    `wall − ideal = ${fmt(r.wallSeconds - r.idealSeconds, 2)} s: ` +
    `start-up ${fmt(l.startup, 2)} s (spawn to the first request: Node loading the CLI, the plan, the datasets), ` +
    `estimate ${fmt(l.estimate, 2)} s (the run's estimate, which the spend guard needs before anything is sent: its sample and count_tokens), ` +
    `pace ${fmt(l.pace, 2)} s (first message request to the last request beyond the limit's need; ${fmt(l.configuredPace, 2)} s of it the limiter's defaults: ${fmt(DEFAULT_SAFETY_MARGIN * 100)} % of the limit after a first burst of ${fmt(DEFAULT_PACE_SECONDS - DEFAULT_TRANSIT_MS.shared / 1000, 1)} s of it), ` +
    `tail ${fmt(l.tail, 2)} s (last request to last answer beyond 1.05 × latency, the simulator's mean: its jitter lets the slowest of the last requests take up to 1.10 ×), ` +
    `exit ${fmt(l.exit, 2)} s (last answer to exit: the near-duplicate marking of what the run did not prepare as it wrote, then closing datasets and connections)`
  );
}

/** `--rounds=N` (default 3): how many times each client of the CPU bench runs, taking turns. */
function roundsOf(args: readonly string[]): number {
  const given = args.find((a) => a.startsWith('--rounds='));
  if (given === undefined) return 3;
  const n = Number(given.slice('--rounds='.length));
  if (!Number.isInteger(n) || n < 1) throw new Error(`Expected --rounds= to be a whole number of at least 1, got \`${given}\``);
  return n;
}

/**
 * Where each client's CPU went in its profiled run, by owner (cpu-owners.ts), side by side: what
 * the CLI spends beyond the SDK alone is Forge's own folders plus the Node work and garbage they
 * cause, and the table says which.
 */
function ownersText(clients: readonly CpuRounds[]): string {
  const profiled = clients.filter((c) => c.owners);
  const lines = clients.filter((c) => !c.owners).map((c) => `  ${c.client}: ${c.ownersNote ?? 'not profiled'}`);
  if (profiled.length === 0) return lines.join('\n');
  const owners = [...new Set(profiled.flatMap((c) => c.owners!.map((o) => o.owner)))];
  const at = (c: CpuRounds, owner: string) => c.owners!.find((o) => o.owner === owner)?.ms ?? 0;
  const total = (c: CpuRounds) => c.owners!.reduce((sum, o) => sum + o.ms, 0);
  const forge = (c: CpuRounds) => c.owners!.filter((o) => o.owner.startsWith('src/')).reduce((sum, o) => sum + o.ms, 0);
  const shown = owners
    .filter((o) => profiled.some((c) => at(c, o) >= 0.005))
    .sort((a, b) => at(profiled.at(-1)!, b) - at(profiled.at(-1)!, a));
  const rows = shown.map((o) => [o, ...profiled.map((c) => fmt(at(c, o), 3))]);
  rows.push(['all (profiled)', ...profiled.map((c) => fmt(total(c), 3))]);
  return [
    '  where the CPU goes: one more run of each client under node --cpu-prof (which adds its own cost), ms of CPU per request by owner; a',
    "  sample is charged to the innermost frame of the SDK, a library or a folder of Forge's src/ on its stack, so Node's streams and file",
    '  system count for whoever called them:',
    formatTable(['owner', ...profiled.map((c) => c.client)], rows),
    ...profiled.map(
      (c) =>
        `  ${c.client}: Forge's own code (src/) ${fmt(forge(c), 3)} ms/request; garbage collection ${fmt(at(c, GC), 3)}; the SDK ${fmt(at(c, SDK_OWNER), 3)}; Node with no owner ${fmt(at(c, NO_OWNER), 3)}`,
    ),
    ...lines,
  ].join('\n');
}
