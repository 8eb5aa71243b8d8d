import { startSimulator } from '../../src/sim';
import type { BenchClient, ClientFactory } from './clients/types';
import { idealFor, limitsAt, type Ideal } from './ideal';
import type { JobSpec } from './jobs';
import { RunRecorder } from './recorder';
import type { Scenario } from './scenarios';

/** One client through one scenario against its own fresh simulator. */
export interface PriorityReport {
  readonly highMeanPosition: number;
  readonly lowMeanPosition: number;
  /** Submission to completion, seconds. */
  readonly highMeanSeconds: number;
  readonly lowMeanSeconds: number;
  readonly completed: { readonly high: number; readonly low: number };
}

export interface RunResult {
  readonly client: string;
  readonly scenario: string;
  readonly jobs: number;
  /** Requests per job (a chain of steps). */
  readonly steps: number;
  /** Measured: until every job settled, or until the time cap. */
  readonly wallSeconds: number;
  readonly capped: boolean;
  /** wall · N / succeeded when some jobs did not succeed; else the wall time (used for capped runs). */
  readonly projectedSeconds: number;
  readonly idealSeconds: number;
  readonly efficiency: number;
  readonly completionsPerMin: number;
  readonly succeeded: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Neither succeeded nor given up when the cap stopped the run. */
  readonly notReached: number;
  readonly http429: number;
  readonly httpRequests: number;
  /** Completed 200s the simulator served (more than `succeeded` means work done twice). */
  readonly simMessages: number;
  readonly simPeakConcurrency: number;
  /** Sustained completions/s between 30 % and 90 % of the successes, over what the limits allow. */
  readonly steadyShare?: number;
  readonly firstSecondRequests: number;
  /**
   * Seconds from the start until the requests sent (less those refused with 429) over a trailing
   * 2 s window first reach 90 % of what the true limit allows over it; undefined if never.
   */
  readonly secondsTo90?: number;
  /** A comparison row, not a contender for the ★. */
  readonly reference: boolean;
  readonly priority?: PriorityReport;
  readonly diagnostics?: Record<string, number | string>;
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function steadyShare(rec: RunRecorder, s: Scenario, ideal: Ideal): number | undefined {
  const c = rec.completions;
  if (c.length < 20) return undefined;
  const a = c[Math.floor(c.length * 0.3)]!;
  const b = c[Math.floor(c.length * 0.9) - 1]!;
  if (b.at <= a.at) return undefined;
  const rate = (Math.floor(c.length * 0.9) - 1 - Math.floor(c.length * 0.3)) / ((b.at - a.at) / 1000);
  // Against the limit in force over the window; a window that straddles a change is skipped.
  const la = limitsAt(s, a.at);
  if (la !== limitsAt(s, b.at)) return undefined;
  const scale = la.requestsPerMinute / s.limits.requestsPerMinute;
  const allowed = ideal.binding === 'requests' ? ideal.jobsPerSecond * scale : ideal.jobsPerSecond;
  return rate / allowed;
}

function priorityReport(rec: RunRecorder, jobs: readonly JobSpec[]): PriorityReport {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const pos = { high: [] as number[], low: [] as number[] };
  const secs = { high: [] as number[], low: [] as number[] };
  rec.completions.forEach((c, i) => {
    const job = byId.get(c.id)!;
    const p = job.priority === 'high' ? 'high' : 'low';
    pos[p].push(i + 1);
    secs[p].push((c.at - job.submitAtMs) / 1000);
  });
  return {
    highMeanPosition: mean(pos.high),
    lowMeanPosition: mean(pos.low),
    highMeanSeconds: mean(secs.high),
    lowMeanSeconds: mean(secs.low),
    completed: { high: pos.high.length, low: pos.low.length },
  };
}

/**
 * efficiency: a run stopped at its time cap is extrapolated linearly (ideal(N) / (wall · N / succeeded));
 * a run that finished but gave jobs up is judged on what it delivered (ideal(succeeded jobs) / wall),
 * since a linear projection would credit the burst's cheap first jobs to the lost ones.
 */
/**
 * For a client that knows nothing of multi-request jobs: each step goes as a job of its own
 * (`<id>~<k>`), the next submitted once the one before it succeeded; the job counts as done when
 * its last step did, and as given up when any step was.
 */
function stepwise(client: BenchClient, recorder: RunRecorder, jobs: readonly JobSpec[]): { client: BenchClient; recorder: RunRecorder } {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const stepSpec = (job: JobSpec, k: number): JobSpec => ({ ...job, id: `${job.id}~${k}`, steps: 1 });
  const parse = (id: string): { job: JobSpec; k: number } => {
    const [base, k] = id.split('~');
    return { job: byId.get(base!)!, k: Number(k) };
  };
  const proxy = Object.create(recorder) as RunRecorder;
  proxy.success = (id: string) => {
    const { job, k } = parse(id);
    if (k + 1 < job.steps) client.add([stepSpec(job, k + 1)]);
    else recorder.success(job.id);
  };
  proxy.giveUp = (id: string) => recorder.giveUp(parse(id).job.id);
  return {
    recorder: proxy,
    client: { ...client, add: (specs) => client.add(specs.map((j) => stepSpec(j, 0))) },
  };
}

/** See RunResult.secondsTo90: HTTP requests not refused with 429, trailing 2 s window. */
function secondsTo90(rec: RunRecorder, s: Scenario, ideal: Ideal): number | undefined {
  const WINDOW_MS = 2000;
  const sent = rec.http
    .filter((h) => h.status !== 429)
    .map((h) => h.at)
    .sort((a, b) => a - b);
  const perRequest = ideal.jobsPerSecond * (s.steps ?? 1); // requests/s the binding limit allows
  let lo = 0;
  for (let hi = 0; hi < sent.length; hi++) {
    const t = sent[hi]!;
    while (sent[lo]! <= t - WINDOW_MS) lo++;
    const scale = limitsAt(s, t).requestsPerMinute / s.limits.requestsPerMinute;
    const allowed = (perRequest * (ideal.binding === 'requests' ? scale : 1) * WINDOW_MS) / 1000;
    if (hi - lo + 1 >= 0.9 * allowed) return t / 1000;
  }
  return undefined;
}

export async function runOne(factory: ClientFactory, s: Scenario, jobs: readonly JobSpec[], ideal: Ideal): Promise<RunResult> {
  const sim = await startSimulator({ seed: 1, limits: { default: { ...s.limits } }, ...s.sim });
  const realRecorder = new RunRecorder(jobs.length);
  const chained = (s.steps ?? 1) > 1 && !factory.nativeSteps;
  let recorder = realRecorder;
  let client: BenchClient;
  if (chained) {
    // The client's completions feed the proxy, which submits the next step to the client.
    // eslint-disable-next-line prefer-const -- assigned once the proxy that feeds it exists
    let inner: BenchClient | undefined;
    const late: BenchClient = {
      add: (specs) => inner!.add(specs),
      stop: () => inner!.stop(),
      diagnostics: () => inner!.diagnostics?.() ?? {},
    };
    const wrapped = stepwise(late, realRecorder, jobs);
    inner = factory.create({ url: sim.url, scenario: s, ideal, recorder: wrapped.recorder });
    client = wrapped.client;
  } else {
    client = factory.create({ url: sim.url, scenario: s, ideal, recorder });
  }
  recorder = realRecorder;
  const timers: NodeJS.Timeout[] = [];
  const capMs = factory.timeCapMs(ideal);

  client.add(jobs.filter((j) => j.submitAtMs === 0));
  const late = jobs.filter((j) => j.submitAtMs > 0);
  if (late.length > 0) timers.push(setTimeout(() => client.add(late), late[0]!.submitAtMs));
  for (const change of s.limitChanges ?? []) {
    timers.push(setTimeout(() => sim.configure({ limits: { default: { ...change.limits } } }), change.atMs));
  }
  let capped = false;
  await Promise.race([
    recorder.allSettled(),
    new Promise<void>((resolve) =>
      timers.push(
        setTimeout(() => {
          capped = true;
          resolve();
        }, capMs),
      ),
    ),
  ]);
  const wallMs = recorder.now();
  const stats = sim.stats();
  const diagnostics = client.diagnostics?.();
  for (const t of timers) clearTimeout(t);
  await client.stop();
  await sim.close();

  const succeeded = recorder.successes.size;
  const duplicated = [...recorder.successes.values()].filter((n) => n > 1).length;
  const lost = [...recorder.gaveUp].filter((id) => !recorder.successes.has(id)).length;
  const projectedMs = succeeded === 0 ? Number.POSITIVE_INFINITY : succeeded < jobs.length ? (wallMs * jobs.length) / succeeded : wallMs;
  // Conversations complete in a rush at the end of their chains: a steady completion rate means nothing there.
  const share = (s.steps ?? 1) > 1 ? undefined : steadyShare(recorder, s, ideal);
  return {
    client: factory.name,
    scenario: s.name,
    jobs: jobs.length,
    steps: s.steps ?? 1,
    wallSeconds: wallMs / 1000,
    capped,
    projectedSeconds: projectedMs / 1000,
    idealSeconds: ideal.seconds,
    efficiency:
      succeeded === 0
        ? 0
        : capped || succeeded === jobs.length
          ? ideal.seconds / (projectedMs / 1000)
          : idealFor(
              s,
              jobs.filter((j) => recorder.successes.has(j.id)),
            ).seconds /
            (wallMs / 1000),
    completionsPerMin: (succeeded / wallMs) * 60_000,
    succeeded,
    lost,
    duplicated,
    notReached: jobs.length - succeeded - lost,
    http429: stats.rateLimited,
    httpRequests: stats.requests,
    simMessages: stats.messages,
    simPeakConcurrency: stats.peakConcurrency,
    ...(share !== undefined ? { steadyShare: share } : {}),
    firstSecondRequests: recorder.http.filter((h) => h.at < 1000).length,
    ...(secondsTo90(recorder, s, ideal) !== undefined ? { secondsTo90: secondsTo90(recorder, s, ideal)! } : {}),
    reference: factory.reference === true,
    ...(s.priority ? { priority: priorityReport(recorder, jobs) } : {}),
    ...(diagnostics ? { diagnostics } : {}),
  };
}
