import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPromptFile } from '../../../../src/core/generate/prompt-file';
import { estimateRun } from '../../../../src/core/generate/estimate';
import { GenerationRun } from '../../../../src/core/generate/run/generation-run';
import type { RunSummary } from '../../../../src/core/generate/run/run-types';
import type { PromptFile } from '../../../../src/core/generate/types';
import { costOf, resolveModel, type LimitsConfig } from '../../../../src/core/models';
import { createLimiterFor, modelLookup } from '../../../../src/engine';
import { FakeClock } from '../../../support/fake-clock';
import { PacedApi } from '../../../support/paced-api';

const fileText = (name: string, count: number, strategy: 'single' | 'turns', turns: number) => `name: ${name}
model: claude-haiku-5-5
count: ${count}
turns: ${turns}
strategy: ${strategy}
prompt: Talk about {{topic}}.
variables:
  topic: [tea, kites, rivers, tides]
output:
  path: out/${name}.jsonl
`;

interface Sample {
  readonly at: number;
  readonly fraction: number;
  readonly etaMs?: number;
  readonly conversationsDone: number;
  readonly conversationsLeft: number;
  readonly stepsDone: number;
}

interface Observed {
  readonly summary: RunSummary;
  readonly samples: Sample[];
  readonly startedAt: number;
  readonly endedAt: number;
  readonly api: PacedApi;
}

/**
 * Runs `files` on the fake clock against a PacedApi whose limits the limiter learns from headers
 * (`told`: the limits are also configured up front), sampling the run's progress every 2 s.
 */
async function observe(
  files: readonly PromptFile[],
  serverRpm: number,
  options: { told?: LimitsConfig; change?: { atMs: number; rpm: number }; pause?: { atMs: number; forMs: number } } = {},
): Promise<Observed> {
  const clock = new FakeClock();
  const api = new PacedApi({
    clock,
    latencyMs: 1_500,
    limits: { requestsPerMinute: serverRpm, inputTokensPerMinute: 10_000_000, outputTokensPerMinute: 10_000_000 },
    outputTokens: { single: 400, turns: 60 },
  });
  const limits = options.told ?? {};
  const run = await GenerationRun.open(files, {
    clock,
    caller: api,
    limiter: createLimiterFor({ limits }, clock),
    random: () => 0.5,
    fsync: 'never',
  });
  const weights = new Map(run.estimateSample().map((s) => [s.spec, s.weight]));
  const model = resolveModel('claude-haiku-5-5')!;
  run.addEstimate(
    await estimateRun({
      specs: [...weights.keys()],
      weightOf: (spec) => weights.get(spec) ?? 1,
      caller: api,
      priceOf: (_id, usage) => costOf(model, usage),
      limits: () => ({ requestsPerMinute: 1_000, inputTokensPerMinute: 10_000_000, outputTokensPerMinute: 10_000_000 }),
      modelClassOf: () => model.modelClass,
      tokensPerMessage: 60,
    }),
  );
  const startedAt = clock.now();
  let ended = false;
  const done = run.start().then((s) => {
    ended = true;
    return s;
  });
  // The last answer ends the run's time; closing the datasets afterwards is real I/O, and the
  // fake clock must not run on while it happens.
  let idle = false;
  run.processor.on('idle', () => (idle = true));
  const samples: Sample[] = [];
  let changed = false;
  while (!ended && !idle && clock.now() - startedAt < 30 * 60_000) {
    await clock.advance(2_000);
    if (options.change && !changed && clock.now() - startedAt >= options.change.atMs) {
      api.limits = { ...api.limits, requestsPerMinute: options.change.rpm };
      changed = true;
    }
    const at = clock.now() - startedAt;
    if (options.pause && at >= options.pause.atMs && at < options.pause.atMs + options.pause.forMs) run.pause();
    else if (run.state === 'paused') run.resume();
    if (ended || idle) break;
    const snap = await run.snapshot();
    samples.push({
      at: clock.now(),
      fraction: snap.progress.fraction,
      ...(snap.progress.etaMs !== undefined ? { etaMs: snap.progress.etaMs } : {}),
      conversationsDone: snap.batches.reduce((n, b) => n + b.generated + b.failed, 0),
      conversationsLeft: snap.batches.reduce((n, b) => n + b.total - b.skipped - b.skippedFailed - b.generated - b.failed, 0),
      stepsDone: snap.progress.stepsDone,
    });
  }
  const summary = await done;
  const endedAt = clock.now();
  run.dispose();
  return { summary, samples, startedAt, endedAt, api };
}

/** The worst ETA error (percent of the time actually left) over the samples from `from` of the run on. */
function worstError(o: Observed, from: number): { error: number; at?: Sample } {
  let worst: { error: number; at?: Sample } = { error: 0 };
  for (const s of o.samples) {
    if (s.fraction < from || s.fraction >= 0.95) continue;
    const left = o.endedAt - s.at;
    const error = s.etaMs === undefined ? Infinity : Math.abs(s.etaMs - left) / left;
    if (error > worst.error) worst = { error, at: s };
  }
  return worst;
}

describe('the run ETA counts steps at the learned limits', function () {
  this.timeout(120_000);
  let dir: string;
  const file = async (name: string, count: number, strategy: 'single' | 'turns', turns: number) => {
    const at = path.join(dir, `${name}.forge.yaml`);
    fs.writeFileSync(at, fileText(name, count, strategy, turns));
    const parsed = await loadPromptFile(at, { workspaceRoot: dir, ...modelLookup() });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
    return parsed.file;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convforge-eta-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('moves with the steps of a turns-heavy run, within 25 % from a fifth of it on, long before a conversation finishes', async () => {
    // 30 conversations of 10 messages and 40 of one request: 340 steps at 120 RPM the headers report.
    const o = await observe([await file('chat', 30, 'turns', 10), await file('flat', 40, 'single', 4)], 120);
    assert.equal(o.summary.generated, 70);
    assert.equal(o.summary.requests, 340);
    const worst = worstError(o, 0.2);
    assert.ok(worst.error <= 0.25, `ETA off by ${Math.round(worst.error * 100)} % at ${JSON.stringify(worst.at)}`);
    // Counted by conversations there was nothing to go by here: the chains finish together at the end.
    const early = o.samples.find((s) => s.fraction >= 0.3 && s.conversationsDone <= 40);
    assert.ok(early, `a sample a third into the run with few conversations done: ${JSON.stringify(o.samples.slice(0, 30))}`);
    assert.ok(early.stepsDone > 0 && early.etaMs !== undefined);
    // The old ETA, measured in conversations (conversations left over those finished in the
    // trailing minute), is off by far more on the same samples.
    const oldWorst = Math.max(
      ...o.samples
        .filter((s) => s.fraction >= 0.2 && s.fraction < 0.95)
        .map((s) => {
          const recent = o.samples.filter((x) => x.at > s.at - 60_000 && x.at <= s.at);
          const finished = s.conversationsDone - (o.samples.find((x) => x.at > s.at - 60_000)?.conversationsDone ?? 0);
          const minutes = Math.max(3_000, Math.min(60_000, s.at - o.startedAt, recent.length * 2_000)) / 60_000;
          const left = o.endedAt - s.at;
          return finished > 0 ? Math.abs((s.conversationsLeft / (finished / minutes)) * 60_000 - left) / left : Infinity;
        }),
    );
    assert.ok(oldWorst > 0.5, `counted in conversations the ETA would be off by ${Math.round(oldWorst * 100)} % at worst`);
    const fractions = o.samples.map((s) => s.fraction);
    assert.ok(
      fractions.every((f, i) => i === 0 || f >= fractions[i - 1]! - 1e-9),
      `progress never goes back: ${fractions.join(' ')}`,
    );
  });

  it('re-estimates when the server lowers its limit mid-run', async () => {
    const o = await observe([await file('chat', 40, 'turns', 10)], 240, { change: { atMs: 40_000, rpm: 80 } });
    assert.equal(o.summary.requests, 400);
    const before = o.samples.filter((s) => s.at - o.startedAt < 40_000 && s.etaMs !== undefined).at(-1)!;
    // A few answers after the change carry the new limit: the ETA follows at once, not a minute later.
    const after = o.samples.find((s) => s.at - o.startedAt >= 46_000)!;
    const leftThen = o.endedAt - after.at;
    assert.ok(after.etaMs! > 2 * before.etaMs!, `ETA ${before.etaMs} ms before the change, ${after.etaMs} ms after`);
    assert.ok(Math.abs(after.etaMs! - leftThen) <= 0.25 * leftThen, `ETA ${after.etaMs} ms, ${leftThen} ms actually left`);
  });

  it('measures the pace again after a long pause by the user, not across it', async () => {
    const o = await observe([await file('chat', 30, 'turns', 10)], 120, { pause: { atMs: 40_000, forMs: 60_000 } });
    // Resumed at 100 s: 10 s later the ETA is the time actually left, not stretched by the minute paused.
    const after = o.samples.find((s) => s.at - o.startedAt >= 110_000)!;
    const left = o.endedAt - after.at;
    assert.ok(Math.abs(after.etaMs! - left) <= 0.25 * left, `ETA ${after.etaMs} ms after the resume, ${left} ms actually left`);
  });

  it('tells the estimate error in the summary of a finished run', async () => {
    const o = await observe([await file('flat', 60, 'single', 4)], 60, { told: { rpm: 60, itpm: 10_000_000, otpm: 10_000_000 } });
    const check = o.summary.estimateCheck;
    assert.ok(check, 'a finished run with an estimate says how far off it was');
    // Sampled every 2 s: the run ended within the last step of the clock.
    assert.ok(Math.abs(check.actualSeconds - (o.endedAt - o.startedAt) / 1000) <= 2, `${check.actualSeconds} s`);
    // The estimate assumed 1,000 RPM (3.6 s); the server allowed 60: it was far too short.
    assert.ok(Math.abs(check.estimatedSeconds - 3.6) < 1e-9, `${check.estimatedSeconds}`);
    assert.equal(check.timeErrorPercent, Math.round(((3.6 - check.actualSeconds) / check.actualSeconds) * 1000) / 10);
    assert.ok(check.timeErrorPercent < -80);
    assert.equal(check.actualUsd, o.summary.costUsd);
    assert.ok(check.costErrorPercent !== undefined && Math.abs(check.costErrorPercent) < 50, JSON.stringify(check));
    assert.ok(check.etaAtFifth, 'the ETA at a fifth of the run is judged too');
    assert.ok(Math.abs(check.etaAtFifth.errorPercent) <= 25, JSON.stringify(check.etaAtFifth));
  });
});
