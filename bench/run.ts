import { runEngine } from './engine';
import { writeResults } from './results-file';

/**
 *   npm run bench                            every suite
 *   npm run bench -- engine                  data structures and the admit decision
 *   npm run bench -- throughput [names…]     clients against a fresh simulator per run
 *   npm run bench -- throughput write-slot   the dataset write inside the request's slot (before) vs off it (now)
 *   npm run bench -- dataset [marking]       near-duplicate detection: precision, recall, speed, memory;
 *                                            after-run marking, whole-dataset pass vs incremental (marking: that alone)
 *   npm run bench -- viewer                  dataset viewer paging on 200,000 lines: open, page, search, vs a whole-file read
 *   npm run bench -- cache [turns|single]    prompt caching: Forge cache auto vs off vs peer clients
 *   npm run bench -- scale [long|cpu|resume] high tiers, long generations, large datasets (CLI + simulator processes)
 *                  [--rounds=N]              rounds of the CPU part, clients taking turns (default 3)
 *   npm run bench -- sharing [stores]        N processes on one key, shared vs unshared; store latency (only)
 *   npm run bench -- eta                     ETA error over a mixed single/turns run: steps vs the old conversation count

 *   npm run bench -- message-batches          online vs Message Batches: cost per conversation, polling calls
 */
const log = (line: string): void => void process.stdout.write(`${line}\n`);

/** A suite runs with the arguments after its name and returns what goes to bench/results (undefined: nothing). */
type Suite = (rest: readonly string[]) => Promise<unknown>;

const SUITES: Record<string, Suite> = {
  engine: () => runEngine(log),
  throughput: async (rest) => (await import('./throughput')).runThroughput(rest, log),
  dataset: async (rest) => {
    const { runDataset } = await import('./dataset');
    const { runAfterRunMarking } = await import('./dataset/after-run-marking');
    // `dataset marking [existing [added]]`: the after-run marking comparison alone.
    if (rest[0] === 'marking') return { marking: await runAfterRunMarking(log, Number(rest[1] ?? 200_000), Number(rest[2] ?? 1_000)) };
    const dedup = await runDataset(log);
    log('');
    return { dedup, marking: await runAfterRunMarking(log) };
  },
  viewer: async () => (await import('./viewer')).runViewer(log),
  cache: async (rest) => {
    await (await import('./cache')).runCacheBench([...rest]);
    return undefined;
  },
  scale: async (rest) => (await import('./scale')).runScale(rest, log),
  eta: async () => (await import('./eta')).runEta(log),

  'message-batches': async () => (await import('./message-batches')).runMessageBatches(log),
  sharing: async (rest) =>
    (await import('./sharing')).runSharing(
      log,
      (line) => void process.stderr.write(`${line}\n`),
      rest[0] === 'stores' ? 'stores' : undefined,
    ),
};

async function main(argv: readonly string[]): Promise<void> {
  const [suite, ...rest] = argv;
  const names = Object.keys(SUITES);
  if (suite !== undefined && !names.includes(suite)) {
    throw new Error(`Expected the suite to be one of ${names.map((n) => `\`${n}\``).join(', ')}, got \`${suite}\``);
  }
  for (const [i, name] of (suite === undefined ? names : [suite]).entries()) {
    if (i > 0) log('');
    log(`== bench/${name} ==`);
    const results = await SUITES[name]!(suite === undefined ? [] : rest);
    if (results !== undefined) log(`(written to ${writeResults(name, results)})`);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
