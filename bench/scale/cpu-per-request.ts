import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { build } from 'esbuild';
import { fmt } from '../table';
import { cpuOwnersOfBundle, type CpuShare } from './cpu-owners';
import { runMeasured, startSimProcess } from './processes';
import { writePromptFile } from './prompt';

export interface CpuResult {
  readonly client: string;
  readonly requests: number;
  readonly wallSeconds: number;
  readonly cpuMs: number;
  readonly cpuMsPerRequest: number;
  readonly maxRssMb: number;
  readonly peakInFlight: number;
  /** The client's exit code: anything but 0 means some requests did not end as answers. */
  readonly exitCode: number | null;
  /** The end of its stderr when it did not exit 0. */
  readonly failure?: string;
}

const RPM = 60_000;
// At 200 the simulator's answers of 2 turns ran past max_tokens now and then, and a conversation
// failed as truncated after all its attempts: the CLI exited 1 and retried requests the SDK alone
// did not. Both clients get the same value.
const MAX_TOKENS = 400;
const LATENCY_MS = 50;
// The CLI's arguments name dist/cli.js from the repository root, where runMeasured runs it.
const ROOT_DIR = join(__dirname, '..', '..');

/** A fresh simulator process for one run: every run, measured or profiled, meets the same one. */
function startBenchSim(): ReturnType<typeof startSimProcess> {
  return startSimProcess({
    limits: { default: { requestsPerMinute: RPM, inputTokensPerMinute: 1e9, outputTokensPerMinute: 1e9 } },
    latency: { baseMs: LATENCY_MS, perOutputTokenMs: 0, jitterMs: 10 },
    output: { tokensPerMessage: 60 },
  });
}

/** One client over every round: its runs in round order, and the run of median CPU per request. */
export interface CpuRounds {
  readonly client: string;
  readonly runs: readonly CpuResult[];
  readonly median: CpuResult;
  /**
   * Where its CPU went, from one more run under `node --cpu-prof` (not one of the rounds: the
   * profiler adds its own cost), in ms per request by owner (cpu-owners.ts). Absent when the
   * profile could not be read (a bundle built without its source map).
   */
  readonly owners?: readonly CpuShare[];
  readonly ownersNote?: string;
}

/**
 * Client CPU (user + system of the client process) per request at a high rate: the CLI against the
 * SDK alone doing the same streamed requests with no engine, each against its own fresh simulator
 * process. Both are esbuild bundles, so neither pays for transpiling. The clients take turns for
 * `rounds` rounds: on a 2-core machine one run's figure moves by a few tenths of a millisecond with
 * whatever else the machine does, so a single run per client cannot tell 1.2 ms from 0.9.
 */
export async function runCpuPerRequest(requests: number, rounds: number, log: (line: string) => void): Promise<CpuRounds[]> {
  const dir = mkdtempSync(join(tmpdir(), 'forge-cpu-'));
  try {
    const sdkBundle = join(dir, 'sdk-alone.js');
    await build({
      entryPoints: [join(__dirname, 'sdk-alone-process.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: sdkBundle,
      sourcemap: true,
      logLevel: 'error',
    });
    const file = writePromptFile(dir, 'cpu', requests, MAX_TOKENS);
    const results: CpuResult[][] = [];
    const clients: [string, (url: string, round: number) => string[]][] = [
      ['SDK alone (48 workers)', (url) => [sdkBundle, url, String(requests), '48', String(MAX_TOKENS)]],
      // A dataset folder per round: a second run into the same one would resume and send nothing.
      ['convforge generate', (_, round) => cli(join(dir, `out-shared-${round}`))],
      // The limits shared on this machine (the default) against this process alone: what a lock,
      // a read and a write of the shared state cost per update (its leases are per process and
      // deadline, so that cost no longer grows with the requests in flight).
      ['convforge generate --no-share', (_, round) => [...cli(join(dir, `out-alone-${round}`)), '--no-share']],
    ];
    function cli(out: string): string[] {
      return [
        'dist/cli.js',
        'generate',
        file,
        '--rpm',
        String(RPM),
        '--itpm',
        '1000000000',
        '--otpm',
        '1000000000',
        '--json',
        '-q',
        '--out',
        out,
      ];
    }
    for (let round = 1; round <= rounds; round++)
      for (const [i, [client, args]] of clients.entries()) {
        const sim = await startBenchSim();
        try {
          log(`  round ${round} of ${rounds}, ${client}: ${fmt(requests)} requests at ${fmt(RPM)} RPM, ${LATENCY_MS} ms …`);
          const run = await runMeasured(args(sim.url, round), { ANTHROPIC_BASE_URL: sim.url, ANTHROPIC_API_KEY: 'sk-ant-bench' }, 600_000);
          const stats = await sim.stats();
          const sent = stats.requests - stats.countTokensRequests;
          (results[i] ??= []).push({
            client,
            requests: sent,
            wallSeconds: run.wallMs / 1000,
            cpuMs: run.cpuMs,
            cpuMsPerRequest: run.cpuMs / Math.max(1, sent),
            maxRssMb: run.maxRssMb,
            peakInFlight: stats.peakConcurrency,
            exitCode: run.code,
            ...(run.code === 0 ? {} : { failure: run.stderr.trim().split('\n').slice(-3).join(' | ') }),
          });
        } finally {
          await sim.close();
        }
      }
    // One profiled run of each client after the rounds, to say where the difference goes.
    const profiled: { owners?: CpuShare[]; ownersNote?: string }[] = [];
    for (const [i, [client, args]] of clients.entries()) {
      const sim = await startBenchSim();
      const profiles = join(dir, `profile-${i}`);
      mkdirSync(profiles);
      try {
        log(`  profiled run, ${client} …`);
        const argv = args(sim.url, rounds + 1);
        const run = await runMeasured(
          ['--cpu-prof', '--cpu-prof-dir', profiles, ...argv],
          { ANTHROPIC_BASE_URL: sim.url, ANTHROPIC_API_KEY: 'sk-ant-bench' },
          600_000,
        );
        const stats = await sim.stats();
        const sent = Math.max(1, stats.requests - stats.countTokensRequests);
        const file = readdirSync(profiles).find((f) => f.endsWith('.cpuprofile'));
        if (run.code !== 0 || file === undefined)
          profiled[i] = { ownersNote: `the profiled run exited with ${run.code}, with ${file ? 'a' : 'no'} profile` };
        else {
          const bundle = isAbsolute(argv[0]!) ? argv[0]! : join(ROOT_DIR, argv[0]!);
          profiled[i] = { owners: cpuOwnersOfBundle(join(profiles, file), bundle).map((o) => ({ owner: o.owner, ms: o.ms / sent })) };
        }
      } catch (e) {
        profiled[i] = { ownersNote: `not profiled: ${e instanceof Error ? e.message : String(e)}` };
      } finally {
        await sim.close();
      }
    }
    return clients.map(([client], i) => {
      const runs = results[i] ?? [];
      const byCpu = [...runs].sort((a, b) => a.cpuMsPerRequest - b.cpuMsPerRequest);
      return { client, runs, median: byCpu[Math.floor((byCpu.length - 1) / 2)]!, ...profiled[i] };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
