import type { Limits } from '../../src/core/limiter/types';
import { resolveLimits } from '../../src/core/models/tiers';
import type { SimulatorOptions } from '../../src/sim';

/**
 * The scenarios. Each is sized so that its ideal time is about 10-13 s: eight scenarios times five
 * or six clients stay under 10 minutes on 2 cores. Every run gets a fresh simulator built from `sim`.
 * All but generous-burst run at the simulator's default short window (`burstSeconds` 1, as API-FACTS
 * documents: "60 RPM may be enforced as 1 request per second, so bursts trip it"), so the burst a
 * perfect client may spend at the start is one second of each limit.
 */
export interface LimitChange {
  /** Milliseconds after the client's run started. */
  readonly atMs: number;
  readonly limits: Limits;
}

export interface Scenario {
  readonly name: string;
  readonly summary: string;
  readonly limits: Limits;
  /** Simulator options besides the limits (burst window, latency, output size, faults). */
  readonly sim: Omit<SimulatorOptions, 'limits' | 'seed' | 'port' | 'host'>;
  readonly jobs: number;
  /** Approximate input tokens of each prompt. */
  readonly promptTokens: number;
  readonly maxTokens: number;
  /** Limits the simulator switches to mid-run; only its headers tell the clients. */
  readonly limitChanges?: readonly LimitChange[];
  /** `lateHigh` high-priority jobs submitted `atMs` after the start; the rest are low priority. */
  readonly priority?: { readonly lateHigh: number; readonly atMs: number };
  /** Also run the "Forge what-if: paceSeconds 6" client here, without --what-if. */
  readonly whatIf?: boolean;
  /** Printed under the table with the scenario. */
  readonly note?: string;
  /**
   * False: the clients are NOT told the limits. They are configured as a new user's `convforge generate`
   * is without --tier or --rpm: the default (Start) preset for the model class, which only the headers
   * correct. Default true: every client is given the simulator's true starting limits.
   */
  readonly told?: boolean;
  /**
   * Requests per job, made one after another (a `turns` conversation of that many messages: each
   * request can only go once the one before it has answered). Default 1.
   */
  readonly steps?: number;
}

/** What the clients are configured with: the true limits when told, else the default preset. */
export function clientLimits(s: Scenario): Limits {
  return s.told === false ? resolveLimits({}, 'haiku') : s.limits;
}

const MODEL = 'claude-haiku-5-5';
export const BENCH_MODEL = MODEL;

const WIDE = { inputTokensPerMinute: 20_000_000, outputTokensPerMinute: 4_000_000 };

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'request-bound',
    summary: '1,200 RPM binds; short prompts, ~60-token answers, ~80 ms latency',
    limits: { requestsPerMinute: 1200, ...WIDE },
    sim: {},
    jobs: 220,
    promptTokens: 50,
    maxTokens: 1024,
  },
  {
    name: 'input-token-bound',
    summary: '600k ITPM binds (~2,000-token prompts: 5 requests/s against 4,000 RPM)',
    limits: { requestsPerMinute: 4000, inputTokensPerMinute: 600_000, outputTokensPerMinute: 4_000_000 },
    sim: {},
    jobs: 55,
    promptTokens: 2000,
    maxTokens: 1024,
  },
  {
    name: 'output-token-bound',
    summary: "120k OTPM binds: max_tokens 512 reserved up front ('reserve' accounting), ~400-token answers, ~250 ms latency, RPM 4,000",
    limits: { requestsPerMinute: 4000, inputTokensPerMinute: 20_000_000, outputTokensPerMinute: 120_000 },
    // Under 'actual' accounting the simulator only asks for solvency at admission, so the jobs go out
    // at 4,000 RPM before much output is charged and requests bind; 'reserve' makes output bind.
    sim: { output: { tokensPerMessage: 400, jitter: 0.3 }, outputAccounting: 'reserve' },
    jobs: 55,
    promptTokens: 50,
    maxTokens: 512,
  },
  {
    name: 'realistic-latency',
    summary: '600 RPM binds; every response takes 2-4 s, so ~30 requests must be in flight',
    limits: { requestsPerMinute: 600, ...WIDE },
    sim: { latency: { baseMs: 2000, jitterMs: 2000, perOutputTokenMs: 0 } },
    jobs: 110,
    promptTokens: 50,
    maxTokens: 1024,
  },
  {
    name: 'limits-drop',
    summary: '1,200 RPM, dropped to 600 RPM 4 s in with configure(); only the headers say so',
    limits: { requestsPerMinute: 1200, ...WIDE },
    sim: {},
    jobs: 180,
    promptTokens: 50,
    maxTokens: 1024,
    limitChanges: [{ atMs: 4000, limits: { requestsPerMinute: 600, ...WIDE } }],
  },
  {
    name: 'faults',
    summary: '1,200 RPM; 2 % each of 529, 500, connection reset, mid-stream overload (a 529 without streaming)',
    limits: { requestsPerMinute: 1200, ...WIDE },
    sim: { faults: { rates: { overloaded: 0.02, server_error: 0.02, connection_reset: 0.02, midstream_overload: 0.02 } } },
    jobs: 220,
    promptTokens: 50,
    maxTokens: 1024,
  },
  {
    name: 'mixed-priority',
    summary: '600 RPM; 110 low-priority jobs at once, 20 high-priority jobs 3 s later',
    limits: { requestsPerMinute: 600, ...WIDE },
    sim: {},
    jobs: 130,
    promptTokens: 50,
    maxTokens: 1024,
    priority: { lateHigh: 20, atMs: 3000 },
  },
  {
    name: 'generous-burst',
    summary: 'request-bound (1,200 RPM, ~80 ms) with a 6 s short window (burstSeconds 6): 120 requests at once are let through',
    limits: { requestsPerMinute: 1200, ...WIDE },
    sim: { burstSeconds: 6 },
    jobs: 320,
    promptTokens: 50,
    maxTokens: 1024,
    whatIf: true,
    note:
      'Forge does not spend a 6 s burst, by design: the real API enforces limits over short intervals too ' +
      '("60 RPM may be enforced as 1 request per second, so bursts trip it", API-FACTS), and the rate-limit ' +
      "headers describe the per-minute bucket only, so no response tells a client how long the server's " +
      "window is. Forge's limiter holds 0.9 s of refill (paceSeconds 1 less a 0.1 s transit allowance) at 98 %, which is safe whatever the " +
      'window; learning a longer one could only be done by probing into 429s. The what-if row sets ' +
      'paceSeconds 6 to show what spending this window would buy here, and what it would cost where the ' +
      'window is 1 s (run `--what-if` on the other scenarios).',
  },
  // Forge is NOT told the limits below: each client starts from the Start preset (1,000 RPM for haiku).
  {
    name: 'untold-turns',
    summary:
      'NOT told: 600 RPM (Forge assumes 1,000); 60 `turns` conversations of 4 messages, ~1.75 s per response (~0.55 s to the first token, then ~68 tokens at 18 ms)',
    limits: { requestsPerMinute: 600, ...WIDE },
    sim: { latency: { baseMs: 400, jitterMs: 300, perOutputTokenMs: 18 } },
    jobs: 60,
    steps: 4,
    promptTokens: 50,
    maxTokens: 1024,
    told: false,
  },
  {
    name: 'untold-drop',
    summary:
      'NOT told: 900 RPM dropping to 300 RPM 8 s in; same 60 conversations of 4 messages, ~1.75 s per response (~0.55 s to the first token, then ~68 tokens at 18 ms)',
    limits: { requestsPerMinute: 900, ...WIDE },
    sim: { latency: { baseMs: 400, jitterMs: 300, perOutputTokenMs: 18 } },
    jobs: 60,
    steps: 4,
    promptTokens: 50,
    maxTokens: 1024,
    limitChanges: [{ atMs: 8000, limits: { requestsPerMinute: 300, ...WIDE } }],
    told: false,
  },
  {
    name: 'untold-higher-tier',
    // 1,600 rather than a Build tier's 4,000: two cores serve ~30 streamed requests a second at most.
    summary: 'NOT told: a user above the default tier, 1,600 RPM (Forge assumes 1,000); short prompts, ~80 ms',
    limits: { requestsPerMinute: 1600, ...WIDE },
    sim: {},
    jobs: 290,
    promptTokens: 50,
    maxTokens: 1024,
    told: false,
  },
];

export function scenarioNamed(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`Expected a scenario name (${SCENARIOS.map((s) => s.name).join(', ')}), got \`${name}\``);
  return found;
}
