// The dataset write held inside the request's concurrency slot and permit (as runs wrote before)
// against the write off the slot (as they write now): the same generation against a fresh simulator
// each round, into the real journaled writer on disk, alternating rounds in one run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { systemClock } from '../../src/core/clock';
import { loadPromptFile } from '../../src/core/generate/prompt-file';
import { GenerationRun } from '../../src/core/generate/run/generation-run';
import type { FsyncPolicy } from '../../src/core/generate/output';
import type { PromptFile } from '../../src/core/generate/types';
import { createCallerFor, createLimiterFor, modelLookup } from '../../src/engine';
import { startSimulator } from '../../src/sim';
import { fmt, formatTable } from '../table';

/** Request-bound, with answers short enough that a write is a real share of a slot's time. */
const SERVER = { requestsPerMinute: 3000, inputTokensPerMinute: 20_000_000, outputTokensPerMinute: 4_000_000 };
const LATENCY = { baseMs: 150, jitterMs: 100, perOutputTokenMs: 0 };
const ROUNDS = 3;

/** One comparison: the fsync policy, and whether the limit or the slots bind. */
interface Case {
  readonly name: string;
  readonly fsync: FsyncPolicy;
  readonly conversations: number;
  /** Set: the user's ceiling on requests in flight, low enough that the slots, not the limit, bind. */
  readonly maxConcurrency?: number;
}

const CASES: readonly Case[] = [
  { name: 'limit-bound, fsync batch (default)', fsync: 'batch', conversations: 500 },
  { name: 'limit-bound, fsync always', fsync: 'always', conversations: 500 },
  { name: 'slot-bound (maxConcurrency 4), fsync batch', fsync: 'batch', conversations: 200, maxConcurrency: 4 },
];

type Way = 'in slot (before)' | 'off slot (now)';

interface Round {
  readonly case: string;
  readonly way: Way;
  readonly wallSeconds: number;
  readonly requests: number;
  readonly written: number;
  readonly rateLimited: number;
}

export interface WriteSlotResult {
  readonly case: string;
  readonly way: Way;
  /** Medians over the rounds. */
  readonly requestsPerSecond: number;
  readonly efficiency: number;
  readonly written: number;
  readonly rounds: readonly Round[];
}

async function promptFile(dir: string, conversations: number): Promise<PromptFile> {
  fs.writeFileSync(path.join(dir, '.convforge'), '');
  const file = path.join(dir, 'slot.forge.yaml');
  fs.writeFileSync(
    file,
    `name: slot\nmodel: claude-haiku-5-5\ncount: ${conversations}\nturns: 4\nstrategy: single\n` +
      'prompt: A conversation about {{topic}}.\nvariables:\n  topic: [tea, kites, rivers, tides, gravity]\noutput:\n  path: out/slot.jsonl\n',
  );
  const parsed = await loadPromptFile(file, { workspaceRoot: dir, ...modelLookup() });
  if (!parsed.ok) throw new Error(`bench prompt file does not parse: ${JSON.stringify(parsed.diagnostics)}`);
  return parsed.file;
}

async function runRound(root: string, c: Case, way: Way): Promise<Round> {
  // On the repository's disk (bench/results), not a tmpfs: fsync must cost what it costs a user.
  const dir = fs.mkdtempSync(path.join(root, 'write-slot-'));
  const sim = await startSimulator({ seed: 1, limits: { default: SERVER }, latency: LATENCY });
  try {
    const run = await GenerationRun.open([await promptFile(dir, c.conversations)], {
      clock: systemClock,
      caller: createCallerFor({ apiKey: 'sk-ant-simulated-bench', baseURL: sim.url, simulated: true }),
      limiter: createLimiterFor(
        { limits: { rpm: SERVER.requestsPerMinute, itpm: SERVER.inputTokensPerMinute, otpm: SERVER.outputTokensPerMinute } },
        systemClock,
      ),
      simulated: true,
      fsync: c.fsync,
      ...(c.maxConcurrency !== undefined ? { maxConcurrency: c.maxConcurrency } : {}),
      ...(way === 'in slot (before)' ? { writeInSlot: true } : {}),
    });
    // The summary's wall time runs from start until the datasets are closed: pending writes included.
    const summary = await run.start();
    run.dispose();
    if (summary.state !== 'finished') throw new Error(`the ${way} run ended ${summary.state}: ${summary.stopReason?.message ?? ''}`);
    return {
      case: c.name,
      way,
      wallSeconds: summary.wallSeconds,
      requests: summary.requests,
      written: summary.generated,
      rateLimited: summary.rateLimited,
    };
  } finally {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function runWriteSlot(
  log: (line: string) => void,
  progress: (line: string) => void,
  cases: readonly Case[] = CASES,
): Promise<WriteSlotResult[]> {
  const root = path.join(__dirname, '..', 'results');
  fs.mkdirSync(root, { recursive: true });
  const limitPerSecond = SERVER.requestsPerMinute / 60;
  log(
    `Dataset write inside the slot (before) vs off it (now): single conversations, simulator at ` +
      `${fmt(SERVER.requestsPerMinute)} RPM (${fmt(limitPerSecond)} requests/s), latency ${LATENCY.baseMs} ms + up to ${LATENCY.jitterMs} ms; ` +
      `${ROUNDS} rounds each way, alternating, medians; real journaled writer on disk`,
  );
  const rounds: Round[] = [];
  for (const c of cases) {
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which way goes first, so drift in the machine's load falls on both.
      const order: Way[] = r % 2 === 0 ? ['in slot (before)', 'off slot (now)'] : ['off slot (now)', 'in slot (before)'];
      for (const way of order) {
        progress(`  write-slot: ${c.name}, ${way}, round ${r + 1}/${ROUNDS}…`);
        rounds.push(await runRound(root, c, way));
      }
    }
  }
  const results: WriteSlotResult[] = [];
  for (const c of cases) {
    for (const way of ['in slot (before)', 'off slot (now)'] as const) {
      const mine = rounds.filter((x) => x.case === c.name && x.way === way);
      const rps = median(mine.map((x) => x.requests / x.wallSeconds));
      results.push({
        case: c.name,
        way,
        requestsPerSecond: rps,
        efficiency: rps / limitPerSecond,
        written: median(mine.map((x) => x.written)),
        rounds: mine,
      });
    }
  }
  log(
    formatTable(
      ['case / write', 'requests/s (median)', 'each round', 'efficiency vs limit', 'conversations written', '429s', 'off / in'],
      results.map((x) => {
        const before = results.find((y) => y.case === x.case && y.way === 'in slot (before)')!;
        return [
          `${x.case} / ${x.way}`,
          fmt(x.requestsPerSecond, 1),
          x.rounds.map((y) => fmt(y.requests / y.wallSeconds, 1)).join(', '),
          `${fmt(100 * x.efficiency, 1)} %`,
          x.rounds.map((y) => fmt(y.written)).join(', '),
          x.rounds.map((y) => fmt(y.rateLimited)).join(', '),
          x === before ? '1' : `${fmt(x.requestsPerSecond / before.requestsPerSecond, 3)}x`,
        ];
      }),
    ),
  );
  log(
    'off / in = requests/s off the slot over requests/s inside it, same case (above 1: moving the write off the slot gained; below: it lost). ' +
      'batch = fsync after 200 records or 1 s (the default); always = fsync every record. Limit-bound efficiency can pass 100 %: ' +
      "a round lasts ~10 s and the simulator's 1 s burst comes on top of the per-minute pace. Slot-bound rounds cannot reach the limit by design.",
  );
  return results;
}
