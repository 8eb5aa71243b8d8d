import { fmt, formatTable } from '../table';
import { bottleneckClient } from './clients/bottleneck';
import { forgeClient, makeForgeClient } from './clients/forge';
import { pQueueClient } from './clients/p-queue';
import { sdkAloneClient } from './clients/sdk-alone';
import { seedQueueClient } from './clients/seed-queue';
import type { ClientFactory } from './clients/types';
import { runOne, type RunResult } from './harness';
import { idealFor, type Ideal } from './ideal';
import { makeJobs } from './jobs';
import { forgeShortfall, rowNote, scenarioNote } from './notes';
import { SCENARIOS, scenarioNamed, type Scenario } from './scenarios';
import { runWriteSlot, type WriteSlotResult } from './write-slot';

/** bench/throughput: every client through every scenario, one at a time (2 cores), fresh simulator each. */
export const CLIENTS: readonly ClientFactory[] = [forgeClient, sdkAloneClient, bottleneckClient, pQueueClient, seedQueueClient];

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly ideal: Ideal;
  readonly runs: RunResult[];
}

const progress = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Forge with the limiter's bucket as large as generous-burst's window: in that scenario always, in
 * the others only with --what-if (there the server's window is 1 s, so it shows what bursting costs).
 */
export const WHAT_IF_CLIENT = makeForgeClient('Forge what-if: paceSeconds 6', 6, { reference: true });

/** In a scenario that does not tell the clients the limits: Forge as it runs when it is told, for comparison. */
export const TOLD_CLIENT = makeForgeClient('Forge told the limits', undefined, { told: true, reference: true });

function clientsFor(s: Scenario, whatIf: boolean): ClientFactory[] {
  const list = [CLIENTS[0]!];
  if (s.told === false) list.push(TOLD_CLIENT);
  if (whatIf || s.whatIf) list.push(WHAT_IF_CLIENT);
  return [...list, ...CLIENTS.slice(1)];
}

/** Not a client scenario: the dataset write inside the slot vs off it, GenerationRun against itself (write-slot.ts). */
const WRITE_SLOT = 'write-slot';

export async function runThroughput(
  args: readonly string[],
  log: (line: string) => void,
): Promise<{ scenarios: ScenarioResult[]; writeSlot?: WriteSlotResult[] }> {
  const whatIf = args.includes('--what-if');
  const names = args.filter((a) => a !== '--what-if');
  const writeSlot = names.length === 0 || names.includes(WRITE_SLOT);
  const others = names.filter((n) => n !== WRITE_SLOT);
  const scenarios = names.length === 0 ? SCENARIOS : others.map(scenarioNamed);
  const results = await runScenarios(scenarios, whatIf, log);
  if (!writeSlot) return { scenarios: results };
  if (results.length > 0) log('');
  return { scenarios: results, writeSlot: await runWriteSlot(log, progress) };
}

async function runScenarios(scenarios: readonly Scenario[], whatIf: boolean, log: (line: string) => void): Promise<ScenarioResult[]> {
  if (scenarios.length === 0) return [];
  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    const jobs = makeJobs(s);
    const ideal = idealFor(s, jobs);
    const runs: RunResult[] = [];
    for (const client of clientsFor(s, whatIf)) {
      progress(`  ${s.name}: ${client.name}…`);
      runs.push(await runOne(client, s, jobs, ideal));
    }
    results.push({ scenario: s, ideal, runs });
  }
  print(results, log);
  return results;
}

function print(results: readonly ScenarioResult[], log: (line: string) => void): void {
  const header = [
    'scenario / client',
    'wall s',
    'completions/min',
    'efficiency',
    '429s',
    'HTTP requests',
    'lost',
    'duplicated',
    's to 90 %',
    'note',
  ];
  const rows: string[][] = [];
  const footnotes: string[] = [];
  for (const { scenario: s, ideal, runs } of results) {
    const shape = (s.steps ?? 1) > 1 ? `${s.jobs} jobs × ${s.steps} steps` : `${s.jobs} jobs`;
    rows.push([
      `${s.name} (${shape}, ideal ${fmt(ideal.seconds, 1)} s, ${ideal.binding}-bound${s.told === false ? ', limits NOT told' : ''})`,
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
    // Reference rows (what-if, told the limits) are comparisons, not contenders: the star goes to the best of the real clients.
    const best = Math.max(...runs.filter((r) => !r.reference).map((r) => r.efficiency));
    for (const r of runs) {
      const pct429 = r.httpRequests > 0 ? (100 * r.http429) / r.httpRequests : 0;
      rows.push([
        `  ${r.client}`,
        `${fmt(r.wallSeconds, 1)}${r.capped ? ' cap' : ''}`,
        fmt(r.completionsPerMin),
        `${fmt(r.efficiency, 2)}${r.efficiency === best ? ' ★' : ''}`,
        `${fmt(r.http429)} (${fmt(pct429, 1)}%)`,
        fmt(r.httpRequests),
        fmt(r.lost),
        fmt(r.duplicated),
        r.secondsTo90 !== undefined ? fmt(r.secondsTo90, 1) : 'never',
        rowNote(r),
      ]);
    }
    const forge = runs.find((r) => r.client === 'Conversation Forge');
    const contenders = runs.filter((r) => !r.reference);
    if (forge) footnotes.push(...forgeShortfall(s, ideal, forge, contenders).map((l) => `[${s.name}] ${l}`));
    if (s.note)
      footnotes.push(
        ...scenarioNote(
          s,
          forge,
          runs.find((r) => r.client === WHAT_IF_CLIENT.name),
        ).map((l) => `[${s.name}] ${l}`),
      );
  }
  log(formatTable(header, rows));
  log(
    '★ = best efficiency in the scenario among the real clients (what-if and "told the limits" rows are comparisons, not contenders). efficiency = ideal / wall; "cap" = stopped at the time cap, wall projected to all jobs (wall · N / succeeded);',
  );
  log(
    '"s to 90 %" = seconds until the requests sent (429s excluded) over a trailing 2 s first reach 90 % of what the true limit allows. NOT told = configured with the Start preset (1,000 RPM), as `convforge generate` without --tier/--rpm.',
  );
  log('runs that gave jobs up are judged on the jobs they completed (ideal for those / wall). Ideal: bench/throughput/ideal.ts.');
  if (footnotes.length > 0) {
    log('');
    log('Where Forge is not first or below 0.97 (and scenario notes):');
    for (const f of footnotes) log(`  ${f}`);
  }
  const prio = results.filter((r) => r.scenario.priority);
  for (const { scenario: s, runs } of prio) {
    log('');
    log(
      `Mixed priority: ${s.priority!.lateHigh} high-priority jobs submitted ${s.priority!.atMs / 1000} s after ${s.jobs - s.priority!.lateHigh} low ones`,
    );
    log(
      formatTable(
        ['client', 'high: mean position', 'low: mean position', 'high: mean s to done', 'low: mean s to done', 'high overtook?'],
        runs.map((r) => {
          const p = r.priority!;
          return [
            r.client,
            `${fmt(p.highMeanPosition, 1)} (${p.completed.high} done)`,
            `${fmt(p.lowMeanPosition, 1)} (${p.completed.low} done)`,
            fmt(p.highMeanSeconds, 1),
            fmt(p.lowMeanSeconds, 1),
            p.completed.high === 0 ? 'none done' : p.highMeanSeconds < p.lowMeanSeconds ? 'yes' : 'no',
          ];
        }),
      ),
    );
  }
  const diag = results
    .map(({ scenario, runs }) => ({ scenario, forge: runs.find((r) => r.client === 'Conversation Forge') }))
    .filter((x) => x.forge?.diagnostics);
  if (diag.length > 0) {
    log('');
    log('Forge internals (sampled every 250 ms)');
    log(
      formatTable(
        [
          'scenario',
          'concurrency @2s',
          '@5s',
          '@10s',
          'peak',
          'peak at s',
          'sim peak in flight',
          'steady rate / limit',
          'requests in 1st s',
          'retries',
          '429 pauses',
        ],
        diag.map(({ scenario, forge }) => {
          const d = forge!.diagnostics!;
          return [
            scenario.name,
            String(d['concurrencyAt2s']),
            String(d['concurrencyAt5s']),
            String(d['concurrencyAt10s']),
            String(d['peakConcurrency']),
            String(d['secondsToPeakConcurrency']),
            fmt(forge!.simPeakConcurrency),
            forge!.steadyShare !== undefined ? `${fmt(100 * forge!.steadyShare, 1)}%` : 'n/a',
            fmt(forge!.firstSecondRequests),
            String(d['retries']),
            String(d['rateLimitPauses']),
          ];
        }),
      ),
    );
  }
}
