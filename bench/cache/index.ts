import { costOf, resolveModel } from '../../src/core/models';
import { startSimulator, type SimStats } from '../../src/sim';
import { fmt, formatTable } from '../table';
import { forge, pQueuePeer, sdkAlonePeer, type CacheClient } from './clients';
import { CACHE_SCENARIOS, CACHE_SIM, type CacheScenario } from './scenarios';

/**
 * Prompt caching, measured: Forge with `cache: auto` against Forge with `cache: off` and two peer
 * clients (which send the same prompts without caching), each against its own fresh simulator, side
 * by side in one run. Costs are priced from the model table with the simulator's usage counters.
 *
 *   npx tsx bench/cache/index.ts [turns|single]
 */
const log = (line: string): void => void process.stdout.write(`${line}\n`);

interface Row {
  client: string;
  seconds: number;
  conversations: number;
  inputUsd: number;
  totalUsd: number;
  readShare: number;
  /** Share of the cache writes made with the 1-hour TTL (2x input against 1.25x). */
  hourShare: number;
  rateLimited: number;
  efficiency: number;
  estimateUsd?: number;
}

function measure(s: CacheScenario, stats: SimStats, seconds: number): Omit<Row, 'client' | 'conversations' | 'estimateUsd'> {
  const model = resolveModel(s.model)!;
  const c = stats.cache;
  const usage = {
    inputTokens: stats.inputTokens,
    outputTokens: stats.outputTokens,
    cacheCreationInputTokens: c.writeTokens,
    cacheCreation1hInputTokens: c.write1hTokens,
    cacheReadInputTokens: c.readTokens,
  };
  const totalUsd = costOf(model, usage);
  const inputUsd =
    totalUsd -
    costOf(model, { ...usage, inputTokens: 0, cacheCreationInputTokens: 0, cacheCreation1hInputTokens: 0, cacheReadInputTokens: 0 });
  const allInput = stats.inputTokens + c.writeTokens + c.readTokens;
  // The fastest the simulator's limits allow for what this client sent (ITPM counts input + writes).
  const ideal =
    Math.max(
      Object.values(stats.byModelClass).reduce((n, c) => n + (c?.requests ?? 0), 0) / s.limits.requestsPerMinute,
      (stats.inputTokens + c.writeTokens) / s.limits.inputTokensPerMinute,
      stats.outputTokens / s.limits.outputTokensPerMinute,
    ) * 60;
  return {
    seconds,
    inputUsd,
    totalUsd,
    readShare: allInput === 0 ? 0 : c.readTokens / allInput,
    hourShare: c.writeTokens === 0 ? 0 : c.write1hTokens / c.writeTokens,
    rateLimited: stats.rateLimited,
    efficiency: ideal / seconds,
  };
}

async function runOne(s: CacheScenario, client: CacheClient): Promise<Row> {
  const sim = await startSimulator({ ...CACHE_SIM, seed: 11, limits: { default: s.limits } });
  try {
    const started = Date.now();
    const result = await client.run(s, sim.url);
    // Forge's estimate (count_tokens samples) before the run is left out of its time: peers make none.
    const seconds = result.generationSeconds ?? (Date.now() - started) / 1000;
    // count_tokens calls of the estimate are free and not messages: the stats count messages only
    const m = measure(s, sim.stats(), seconds);
    return {
      client: client.name,
      conversations: result.conversations,
      ...m,
      ...(result.estimateUsd !== undefined ? { estimateUsd: result.estimateUsd } : {}),
    };
  } finally {
    await sim.close();
  }
}

export async function runCacheBench(names: readonly string[]): Promise<void> {
  const scenarios = names.length === 0 ? CACHE_SCENARIOS : CACHE_SCENARIOS.filter((s) => names.includes(s.name));
  const clients = [forge('auto'), forge('off'), pQueuePeer, sdkAlonePeer];
  for (const s of scenarios) {
    log(`\n## ${s.name}: ${s.summary} (${s.model})`);
    const rows: Row[] = [];
    for (const client of clients) {
      const row = await runOne(s, client);
      log(`  ${row.client}: ${row.conversations} conversations in ${fmt(row.seconds, 1)} s`);
      rows.push(row);
    }
    const off = rows.find((r) => r.client === 'Forge, cache: off')!;
    log(
      formatTable(
        [
          'client',
          'conv',
          'wall s',
          'speed vs off',
          'input $/conv',
          'input vs off',
          'total $',
          'cache-read share',
          '1h writes',
          'efficiency',
          '429s',
          'estimate vs actual',
        ],
        rows.map((r) => [
          r.client,
          `${r.conversations}/${s.conversations}`,
          fmt(r.seconds, 1),
          `${fmt(off.seconds / r.seconds, 2)}x`,
          `$${(r.inputUsd / Math.max(1, r.conversations)).toFixed(5)}`,
          `${fmt(off.inputUsd / Math.max(1, off.conversations) / (r.inputUsd / Math.max(1, r.conversations)), 2)}x less`,
          `$${r.totalUsd.toFixed(4)}`,
          `${fmt(r.readShare * 100, 1)}%`,
          `${fmt(r.hourShare * 100, 0)}%`,
          `${fmt(r.efficiency * 100, 0)}%`,
          String(r.rateLimited),
          r.estimateUsd === undefined
            ? '–'
            : `${r.estimateUsd >= r.totalUsd ? '+' : ''}${fmt(((r.estimateUsd - r.totalUsd) / r.totalUsd) * 100, 1)}%`,
        ]),
      ),
    );
  }
  log(
    '\nefficiency: the fastest the simulator limits allow for what the client sent (ITPM counts input + cache writes), over its wall time.',
  );
  log('1h writes: the share of cache writes made for one hour (the plan picks it only where five minutes would expire first).');
  log('A peer row with fewer conversations than asked gave up on the rest (the SDK retries a 429 twice, then throws): its');
  log('time and cost cover a partial run. input $/conv divides all input spent, abandoned turns included, by the conversations finished.');
}

if (require.main === module) {
  runCacheBench(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
