import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt } from '../table';
import { startSimProcess, runMeasured } from './processes';
import { writePromptFile } from './prompt';
import { DEFAULT_PACE_SECONDS, DEFAULT_SAFETY_MARGIN, DEFAULT_TRANSIT_MS } from '../../src/core/limiter/rate-limiter-options';

export interface LongGenScenario {
  readonly name: string;
  readonly rpm: number;
  readonly latencyMs: number;
  readonly conversations: number;
}

export const LONG_GEN: readonly LongGenScenario[] = [
  { name: 'high-tier 2,400 RPM / ~10 s', rpm: 2400, latencyMs: 10_000, conversations: 1500 },
  { name: 'scaled 10,000 RPM / ~20 s', rpm: 10_000, latencyMs: 20_000, conversations: 5000 },
];

export interface LongGenResult {
  readonly scenario: string;
  readonly conversations: number;
  readonly idealSeconds: number;
  readonly wallSeconds: number;
  readonly capped: boolean;
  readonly completed: number;
  readonly projectedSeconds: number;
  readonly efficiency: number;
  readonly peakInFlight: number;
  readonly http429: number;
  readonly maxRssMb: number;
  readonly cpuMsPerRequest: number;
  /** From spawning the CLI to its first request reaching the simulator (Node, modules, plan, state). */
  readonly startupSeconds: number;
  /**
   * The pace alone: the span the limit needs to admit every message request after the first
   * second's burst, over the span between the first and the last of them the simulator saw. Start-up, the ramp of
   * slots and the last answers' latency are outside it; the engine's pacing and dispatch are in it.
   */
  readonly sendRate: number;
  /**
   * wall − ideal, in the parts that add up to it exactly: start-up (spawn to the first request),
   * estimate (to the first message request), pace (first message request to the last request,
   * beyond what the limit needs after the first second's burst), tail (last request to the last
   * answer, beyond the ideal's 1.05 × latency) and exit (last answer to exit).
   */
  readonly losses?: {
    readonly startup: number;
    /** The run's own estimate: its count_tokens requests go first, the first message request after them. */
    readonly estimate: number;
    readonly pace: number;
    /** The part of `pace` the limiter's defaults ask for: its margin, and a first burst shorter than the ideal's second. */
    readonly configuredPace: number;
    readonly tail: number;
    readonly exit: number;
  };
}

/**
 * The CLI as a user runs it (`convforge generate`, limits by flag) against `convforge simulate`'s
 * simulator in a process of its own. Ideal: one second of burst, then the limit, plus one latency
 * for the last requests to come back. Capped at 1.6 × ideal + 15 s and projected linearly.
 */
export async function runLongGeneration(s: LongGenScenario, log: (line: string) => void): Promise<LongGenResult> {
  const dir = mkdtempSync(join(tmpdir(), 'forge-scale-'));
  const sim = await startSimProcess({
    limits: { default: { requestsPerMinute: s.rpm, inputTokensPerMinute: 1e9, outputTokensPerMinute: 1e9 } },
    latency: { baseMs: s.latencyMs, perOutputTokenMs: 0, jitterMs: s.latencyMs / 10 },
    output: { tokensPerMessage: 120 },
  });
  try {
    const file = writePromptFile(dir, 'longgen', s.conversations);
    const perSecond = s.rpm / 60;

    const needSeconds = Math.max(0, s.conversations - perSecond) / perSecond;
    const idealSeconds = needSeconds + (s.latencyMs * 1.05) / 1000;
    const capMs = (idealSeconds * 1.6 + 15) * 1000;
    log(`  ${s.name}: ${fmt(s.conversations)} conversations, ideal ${fmt(idealSeconds, 1)} s, cap ${fmt(capMs / 1000)} s …`);
    const spawnedAt = Date.now();
    const run = await runMeasured(
      [
        'dist/cli.js',
        'generate',
        file,
        '--rpm',
        String(s.rpm),
        '--itpm',
        '1000000000',
        '--otpm',
        '1000000000',
        '--json',
        '-q',
        '--out',
        join(dir, 'out'),
      ],
      { ANTHROPIC_BASE_URL: sim.url, ANTHROPIC_API_KEY: 'sk-ant-bench' },
      capMs,
    );
    const exitedAt = spawnedAt + run.wallMs;
    const stats = await sim.stats();
    const { firstRequestAt: first, firstMessageAt: firstMessage, lastRequestAt: last, lastFinishedAt: ended } = stats;
    const completed = Math.min(stats.messages, s.conversations);
    const projectedSeconds = completed === 0 ? Number.POSITIVE_INFINITY : (run.wallMs / 1000) * (s.conversations / completed);
    return {
      scenario: s.name,
      conversations: s.conversations,
      idealSeconds,
      wallSeconds: run.wallMs / 1000,
      capped: run.capped,
      completed,
      projectedSeconds,
      efficiency: idealSeconds / projectedSeconds,
      peakInFlight: stats.peakConcurrency,
      http429: stats.rateLimited,
      maxRssMb: run.maxRssMb,
      cpuMsPerRequest: run.cpuMs / Math.max(1, stats.requests),
      startupSeconds: stats.firstRequestAt === undefined ? Number.NaN : (stats.firstRequestAt - spawnedAt) / 1000,
      // Message requests only: the estimate's count_tokens before them is its own part below.
      sendRate:
        firstMessage === undefined || last === undefined
          ? Number.NaN
          : Math.max(0, stats.requests - stats.countTokensRequests - perSecond) / perSecond / Math.max(0.001, (last - firstMessage) / 1000),
      ...(first === undefined ||
      firstMessage === undefined ||
      last === undefined ||
      ended === undefined ||
      run.capped ||
      completed < s.conversations
        ? {}
        : {
            losses: {
              startup: (first - spawnedAt) / 1000,
              estimate: (firstMessage - first) / 1000,
              pace: (last - firstMessage) / 1000 - needSeconds,
              configuredPace: configuredPaceLoss(s.conversations, perSecond),
              tail: (ended - last) / 1000 - (s.latencyMs * 1.05) / 1000,
              exit: (exitedAt - ended) / 1000,
            },
          }),
    };
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the limiter's defaults alone cost the span of sending against the ideal's: it aims at
 * DEFAULT_SAFETY_MARGIN of the limit, and its first burst is the bucket's capacity (the pace window
 * less the shared store's transit allowance) at that margin, where the ideal takes one whole second.
 */
function configuredPaceLoss(requests: number, perSecond: number): number {
  const rate = perSecond * DEFAULT_SAFETY_MARGIN;
  const burst = rate * (DEFAULT_PACE_SECONDS - DEFAULT_TRANSIT_MS.shared / 1000);
  return Math.max(0, requests - burst) / rate - Math.max(0, requests - perSecond) / perSecond;
}
