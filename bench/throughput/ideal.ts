import type { Limits } from '../../src/core/limiter/types';
import { defaultConfig, applyConfigPatch } from '../../src/sim/options';
import { createRng } from '../../src/sim/rng';
import { synthesizeAnswer } from '../../src/sim/synth';
import { ClassLimiter } from '../../src/sim/class-limiter';
import type { JobSpec } from './jobs';
import type { Scenario } from './scenarios';

/**
 * The fastest any client could finish a scenario, from the simulator's own configuration.
 *
 * Closed form, for each dimension d (requests, input tokens, output tokens), with L_d(t) the
 * per-minute limit in force at t (it changes at limitChanges) and B the burst window (burstSeconds):
 *
 *   capacity  C_d    = L_d(0) · B / 60                  (the short-interval bucket, full at the start)
 *   allowance A_d(t) = C_d + ∫₀ᵗ L_d(s) / 60 ds          (what the server can admit by time t)
 *   demand    D_req  = N / (1 − p_mid),  D_in = Σ input tokens / (1 − p_mid),  D_out = Σ output tokens
 *   T_d       = min { t : A_d(t) ≥ D_d }                 (0 when the burst covers it)
 *   ideal     = max_d T_d + mean latency                 (mean latency = baseMs + jitterMs/2 + perOutputTokenMs · mean output)
 *
 * That is exact for requests and input tokens. Output under 'actual' accounting is charged when the
 * answer completes and the simulator only asks that the bucket be solvent at admission, so a client
 * can have up to one latency's worth of answers uncharged: the closed form overstates the output-bound
 * ideal (bottleneck "beat" it). So the ideal is computed by replay instead: a perfect client with no
 * overhead sends each job the moment the simulator's own ClassLimiter (same code, limits, burst window
 * and limit changes) admits it; every answer takes the mean latency and charges its output on
 * completion. For request- and input-bound scenarios the replay equals the closed form.
 *
 * p_mid is the mid-stream overload rate: such a request is admitted and charged, then fails, so the
 * jobs need 1/(1 − p_mid) admissions. Other faults are decided before the rate limits and cost no
 * budget.
 */
export interface Ideal {
  /** From the replay (what the table uses). */
  readonly seconds: number;
  /** From the closed form, for comparison. */
  readonly closedFormSeconds: number;
  readonly binding: 'requests' | 'inputTokens' | 'outputTokens';
  readonly meanOutputTokens: number;
  readonly meanLatencyMs: number;
  /** Sustained jobs per second the binding limit allows (at the initial limits); a job of k steps is k requests. */
  readonly jobsPerSecond: number;
  readonly perDimension: Record<'requests' | 'inputTokens' | 'outputTokens', number>;
}

const FIELD = { requests: 'requestsPerMinute', inputTokens: 'inputTokensPerMinute', outputTokens: 'outputTokensPerMinute' } as const;

/** Mean output tokens of the simulator's answers for these prompts (its own synthesizer, seeded). */
export function meanOutputTokens(s: Scenario, jobs: readonly JobSpec[]): number {
  const config = applyConfigPatch(defaultConfig(), s.sim);
  const rng = createRng(12345);
  let total = 0;
  const samples = Math.max(500, jobs.length);
  for (let i = 0; i < samples; i++) {
    const job = jobs[i % jobs.length]!;
    total += synthesizeAnswer(rng, config.output, job.body.messages[0]!.content, job.body.max_tokens, config.thinking).outputTokens;
  }
  return total / samples;
}

function timeToReach(demand: number, capacity: number, schedule: readonly { atMs: number; perMinute: number }[]): number {
  if (demand <= capacity) return 0;
  let have = capacity;
  for (let i = 0; i < schedule.length; i++) {
    const seg = schedule[i]!;
    const end = schedule[i + 1]?.atMs ?? Number.POSITIVE_INFINITY;
    const perMs = seg.perMinute / 60_000;
    const gain = (end - seg.atMs) * perMs;
    if (have + gain >= demand) return (seg.atMs + (demand - have) / perMs) / 1000;
    have += gain;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * Multi-step jobs (`turns` conversations): a step may go once the step before it has answered (one
 * mean latency later). The perfect client sends every ready step the moment the ClassLimiter admits
 * it, the conversation with the most steps left first (that order finishes soonest).
 */
function replayChains(s: Scenario, jobs: readonly JobSpec[], meanOut: number, latencyMs: number): number {
  const config = applyConfigPatch(defaultConfig(), s.sim);
  const limiter = new ClassLimiter(s.limits, config.burstSeconds, 0);
  const changes = [...(s.limitChanges ?? [])];
  const charges: { at: number; tokens: number; reserved: number }[] = [];
  const reserve = config.outputAccounting === 'reserve';
  const chains = jobs.map((job) => ({ job, left: job.steps, readyAt: 0 }));
  let left = chains.reduce((n, c) => n + c.left, 0);
  let t = 0;
  let lastDone = 0;
  while (left > 0) {
    while (changes.length > 0 && changes[0]!.atMs <= t) limiter.reconfigure(changes.shift()!.limits, config.burstSeconds, t);
    charges.sort((a, b) => a.at - b.at);
    while (charges.length > 0 && charges[0]!.at <= t) {
      const c = charges.shift()!;
      limiter.chargeOutput(c.tokens, c.reserved, t);
    }
    const ready = chains.filter((c) => c.left > 0 && c.readyAt <= t).sort((a, b) => b.left - a.left);
    for (const c of ready) {
      if (limiter.admit(c.job.inputTokens, c.job.body.max_tokens, config.outputAccounting, t) !== undefined) break;
      charges.push({ at: t + latencyMs, tokens: meanOut, reserved: reserve ? c.job.body.max_tokens : 0 });
      c.left--;
      left--;
      c.readyAt = t + latencyMs;
      lastDone = Math.max(lastDone, t + latencyMs);
    }
    t += 1;
  }
  return lastDone / 1000;
}

/** Replays a perfect client against the simulator's ClassLimiter; returns the last completion, seconds. */
function replay(s: Scenario, jobs: readonly JobSpec[], meanOut: number, latencyMs: number): number {
  if ((s.steps ?? 1) > 1) return replayChains(s, jobs, meanOut, latencyMs);
  const config = applyConfigPatch(defaultConfig(), s.sim);
  const pMid = config.faults.rates.midstream_overload;
  const admissions = Math.ceil(jobs.length / (1 - pMid));
  const limiter = new ClassLimiter(s.limits, config.burstSeconds, 0);
  const changes = [...(s.limitChanges ?? [])];
  const charges: { at: number; tokens: number; reserved: number }[] = [];
  const reserve = config.outputAccounting === 'reserve';
  const STEP_MS = 1;
  let t = 0;
  let lastDone = 0;
  for (let i = 0; i < admissions;) {
    while (changes.length > 0 && changes[0]!.atMs <= t) limiter.reconfigure(changes.shift()!.limits, config.burstSeconds, t);
    while (charges.length > 0 && charges[0]!.at <= t) {
      const c = charges.shift()!;
      limiter.chargeOutput(c.tokens, c.reserved, t);
    }
    const job = jobs[i % jobs.length]!;
    if (limiter.admit(job.inputTokens, job.body.max_tokens, config.outputAccounting, t) === undefined) {
      // charged output equals the mean; a failed mid-stream request's share is counted as a full one
      charges.push({ at: t + latencyMs, tokens: meanOut, reserved: reserve ? job.body.max_tokens : 0 });
      lastDone = t + latencyMs;
      i++;
      continue;
    }
    t += STEP_MS;
  }
  return lastDone / 1000;
}

export function idealFor(s: Scenario, jobs: readonly JobSpec[]): Ideal {
  const config = applyConfigPatch(defaultConfig(), s.sim);
  const meanOut = meanOutputTokens(s, jobs);
  const pMid = config.faults.rates.midstream_overload;
  const n = jobs.length;
  const steps = s.steps ?? 1;
  const demand = {
    requests: (n * steps) / (1 - pMid),
    inputTokens: (steps * jobs.reduce((sum, j) => sum + j.inputTokens, 0)) / (1 - pMid),
    outputTokens: n * steps * meanOut,
  };
  const perDimension = { requests: 0, inputTokens: 0, outputTokens: 0 };
  let binding: Ideal['binding'] = 'requests';
  for (const d of ['requests', 'inputTokens', 'outputTokens'] as const) {
    const schedule = [
      { atMs: 0, perMinute: s.limits[FIELD[d]] },
      ...(s.limitChanges ?? []).map((c) => ({ atMs: c.atMs, perMinute: c.limits[FIELD[d]] })),
    ];
    const capacity = (s.limits[FIELD[d]] * config.burstSeconds) / 60;
    perDimension[d] = timeToReach(demand[d], capacity, schedule);
    if (perDimension[d] > perDimension[binding]) binding = d;
  }
  const meanLatencyMs = config.latency.baseMs + config.latency.jitterMs / 2 + config.latency.perOutputTokenMs * meanOut;
  const perJob = { requests: steps, inputTokens: demand.inputTokens / n, outputTokens: steps * meanOut };
  const jobsPerSecond = Math.min(...(['requests', 'inputTokens', 'outputTokens'] as const).map((d) => s.limits[FIELD[d]] / 60 / perJob[d]));
  return {
    seconds: replay(s, jobs, meanOut, meanLatencyMs),
    // A chain cannot finish sooner than its steps one after another.
    closedFormSeconds: Math.max(perDimension[binding] + meanLatencyMs / 1000, (steps * meanLatencyMs) / 1000),
    binding,
    meanOutputTokens: meanOut,
    meanLatencyMs,
    jobsPerSecond,
    perDimension,
  };
}

export function limitsAt(s: Scenario, ms: number): Limits {
  let current = s.limits;
  for (const c of s.limitChanges ?? []) if (ms >= c.atMs) current = c.limits;
  return current;
}
