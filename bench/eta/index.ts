// ETA error over a run mixing `single` and `turns` files against the simulator: the ETA counted in
// weighted steps (run-progress.ts) beside the old conversation count (conversation-eta.ts), both
// sampled from the same run, at 10/20/40/60/80 % of its wall time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { systemClock } from '../../src/core/clock';
import { estimateRun } from '../../src/core/generate/estimate';
import { loadPromptFile } from '../../src/core/generate/prompt-file';
import { GenerationRun } from '../../src/core/generate/run/generation-run';
import type { PromptFile } from '../../src/core/generate/types';
import { costOf, resolveLimits, resolveModel, type LimitsConfig } from '../../src/core/models';
import { createCallerFor, createLimiterFor, modelLookup } from '../../src/engine';
import { startSimulator } from '../../src/sim';
import { fmt, formatTable } from '../table';
import { ConversationEta } from './conversation-eta';

const CHECKPOINTS = [0.1, 0.2, 0.4, 0.6, 0.8];
const SAMPLE_MS = 250;
/** What the simulator enforces and reports; the "learned" scenario does not tell the CLI. */
const SERVER = { requestsPerMinute: 150, inputTokensPerMinute: 400_000, outputTokensPerMinute: 24_000 };

interface Scenario {
  readonly name: string;
  readonly limits: LimitsConfig;
  readonly note: string;
  /** The server lowers its request limit this far into the run. */
  readonly lower?: { readonly atMs: number; readonly requestsPerMinute: number };
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'learned', limits: {}, note: 'limits not told: tier preset until the headers' },
  { name: 'told', limits: { rpm: 150, itpm: 400_000, otpm: 24_000 }, note: 'limits told up front (= the server)' },
  {
    name: 'lowered',
    limits: {},
    note: 'not told; the server drops to 90 RPM at 30 s',
    lower: { atMs: 30_000, requestsPerMinute: 90 },
  },
];

const FILES = [
  { name: 'flat', count: 30, strategy: 'single', turns: 6 },
  { name: 'tutor', count: 12, strategy: 'turns', turns: 8 },
  { name: 'chat', count: 8, strategy: 'turns', turns: 12 },
] as const;

interface Sample {
  readonly at: number;
  readonly newEta?: number;
  readonly oldEta?: number;
}

export interface EtaResult {
  readonly scenario: string;
  readonly wallSeconds: number;
  readonly requests: number;
  readonly checkpoints: { at: number; leftSeconds: number; oldErrorPercent: number | null; newErrorPercent: number | null }[];
}

async function promptFiles(dir: string): Promise<PromptFile[]> {
  fs.writeFileSync(path.join(dir, '.convforge'), '');
  const out: PromptFile[] = [];
  for (const f of FILES) {
    const file = path.join(dir, `${f.name}.forge.yaml`);
    fs.writeFileSync(
      file,
      `name: ${f.name}\nmodel: claude-haiku-5-5\ncount: ${f.count}\nturns: ${f.turns}\nstrategy: ${f.strategy}\n` +
        `prompt: A conversation about {{topic}}.\nvariables:\n  topic: [tea, kites, rivers, tides, gravity]\noutput:\n  path: out/${f.name}.jsonl\n`,
    );
    const parsed = await loadPromptFile(file, { workspaceRoot: dir, ...modelLookup() });
    if (!parsed.ok) throw new Error(`bench prompt file does not parse: ${JSON.stringify(parsed.diagnostics)}`);
    out.push(parsed.file);
  }
  return out;
}

async function runScenario(s: Scenario, log: (line: string) => void): Promise<EtaResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-bench-eta-'));
  const sim = await startSimulator({
    seed: 1,
    limits: { default: SERVER },
    latency: { baseMs: 400, perOutputTokenMs: 2, jitterMs: 300 },
  });
  try {
    const caller = createCallerFor({ apiKey: 'sk-ant-simulated-bench', baseURL: sim.url, simulated: true });
    const run = await GenerationRun.open(await promptFiles(dir), {
      clock: systemClock,
      caller,
      limiter: createLimiterFor({ limits: s.limits }, systemClock),
      simulated: true,
      fsync: 'never',
    });
    const weights = new Map(run.estimateSample().map((x) => [x.spec, x.weight]));
    const model = resolveModel('claude-haiku-5-5')!;
    const estimate = await estimateRun({
      specs: [...weights.keys()],
      weightOf: (spec) => weights.get(spec) ?? 1,
      caller,
      priceOf: (_id, usage) => costOf(model, usage),
      limits: () => resolveLimits(s.limits, model.modelClass),
      modelClassOf: () => model.modelClass,
    });
    run.addEstimate(estimate);
    const old = new ConversationEta({
      conversations: estimate.conversations,
      requests: estimate.requests,
      inputTokens: estimate.inputTokens - estimate.cacheReadInputTokens,
      outputTokens: estimate.outputTokens,
    });
    run.processor.on('started', () => old.started(systemClock.now()));
    run.processor.on('succeeded', () => old.finished(systemClock.now()));
    run.processor.on('failed', () => old.finished(systemClock.now()));
    const samples: Sample[] = [];
    let lastAnswer = 0;
    run.processor.on('succeeded', () => (lastAnswer = systemClock.now()));
    run.processor.on('step', () => (lastAnswer = systemClock.now()));
    const startedAt = systemClock.now();
    const lowering = s.lower
      ? setTimeout(() => sim.configure({ limits: { default: { requestsPerMinute: s.lower!.requestsPerMinute } } }), s.lower.atMs)
      : undefined;
    const timer = setInterval(() => {
      void run.snapshot().then((snap) => {
        const left = snap.batches.reduce((n, b) => n + b.total - b.skipped - b.skippedFailed - b.generated - b.failed, 0);
        const oldEta = old.etaMs(snap.metrics.at, left, snap.limiters);
        if (process.env['BENCH_ETA_TRACE'])
          process.stderr.write(
            `${((snap.metrics.at - startedAt) / 1000).toFixed(1)}s ${JSON.stringify(snap.progress)} active ${snap.metrics.processor.active} conc ${snap.metrics.processor.concurrency} 429s ${snap.metrics.totals.rateLimited} util ${snap.limiters.map((l) => `${l.dimensions.requests.utilization.toFixed(2)}/${l.dimensions.outputTokens.utilization.toFixed(2)}`).join(',')}\n`,
          );
        samples.push({
          at: snap.metrics.at,
          ...(snap.progress.etaMs !== undefined ? { newEta: snap.progress.etaMs } : {}),
          ...(oldEta !== undefined ? { oldEta } : {}),
        });
      });
    }, SAMPLE_MS);
    const summary = await run.start();
    clearInterval(timer);
    if (lowering) clearTimeout(lowering);
    run.dispose();
    // The last answer ends the run's time (closing the datasets after it is not what the ETA predicts).
    const endedAt = lastAnswer;
    const wall = endedAt - startedAt;
    const checkpoints = CHECKPOINTS.map((c) => {
      const target = startedAt + c * wall;
      const sample = samples.reduce((best, x) => (Math.abs(x.at - target) < Math.abs(best.at - target) ? x : best), samples[0]!);
      const left = endedAt - sample.at;
      const err = (eta: number | undefined) => (eta === undefined ? null : Math.round(((eta - left) / left) * 100));
      return { at: c, leftSeconds: left / 1000, oldErrorPercent: err(sample.oldEta), newErrorPercent: err(sample.newEta) };
    });
    log(`  ${s.name}: ${summary.generated} conversations, ${summary.requests} requests, ${fmt(wall / 1000, 1)} s`);
    return { scenario: s.name, wallSeconds: wall / 1000, requests: summary.requests, checkpoints };
  } finally {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runEta(log: (line: string) => void): Promise<EtaResult[]> {
  const conversations = FILES.reduce((n, f) => n + f.count, 0);
  const requests = FILES.reduce((n, f) => n + f.count * (f.strategy === 'single' ? 1 : f.turns), 0);
  log(
    `ETA error over a run of ${conversations} conversations (${FILES.map((f) => `${f.name}: ${f.count} ${f.strategy}${f.strategy === 'turns' ? ` x ${f.turns}` : ''}`).join(', ')}; ${requests} requests)`,
  );
  log(
    `simulator: ${SERVER.requestsPerMinute} RPM / ${fmt(SERVER.inputTokensPerMinute)} ITPM / ${fmt(SERVER.outputTokensPerMinute)} OTPM, latency 400 ms + 2 ms a token + up to 300 ms`,
  );
  const results: EtaResult[] = [];
  for (const s of SCENARIOS) results.push(await runScenario(s, log));
  const pct = (p: number | null) => (p === null ? 'none' : `${p > 0 ? '+' : ''}${p} %`);
  const rows = results.flatMap((r) =>
    r.checkpoints.map((c) => [
      `${r.scenario} (${SCENARIOS.find((s) => s.name === r.scenario)!.note})`,
      `${Math.round(c.at * 100)} %`,
      `${fmt(c.leftSeconds, 1)} s`,
      pct(c.oldErrorPercent),
      pct(c.newErrorPercent),
    ]),
  );
  log('');
  log(formatTable(['scenario', 'at', 'time left', 'old ETA error (conversations)', 'new ETA error (steps)'], rows));
  return results;
}
