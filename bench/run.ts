import { runEngine } from './engine';
import { writeResults } from './results-file';

/**
 *   npm run bench                          both suites
 *   npm run bench -- engine                data structures and the admit decision
 *   npm run bench -- throughput [names…]   clients against a fresh simulator per run
 *   npm run bench -- dataset               near-duplicate detection: precision, recall, speed, memory
 *   npm run bench -- scale [long|cpu|resume] high tiers, long generations, large datasets (CLI + simulator processes)
 */
const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(argv: readonly string[]): Promise<void> {
  const [suite, ...rest] = argv;
  if (suite !== undefined && suite !== 'engine' && suite !== 'throughput' && suite !== 'dataset' && suite !== 'scale') {
    throw new Error(`Expected the suite to be \`engine\`, \`throughput\`, \`dataset\` or \`scale\`, got \`${suite}\``);
  }
  if (suite === undefined || suite === 'engine') {
    log('== bench/engine ==');
    const results = await runEngine(log);
    log(`(written to ${writeResults('engine', results)})`);
  }
  if (suite === undefined || suite === 'throughput') {
    const { runThroughput } = await import('./throughput');
    if (suite === undefined) log('');
    log('== bench/throughput ==');
    const results = await runThroughput(rest, log);
    log(`(written to ${writeResults('throughput', results)})`);
  }
  if (suite === undefined || suite === 'dataset') {
    const { runDataset } = await import('./dataset');
    log('');
    log('== bench/dataset ==');
    const results = await runDataset(log);
    log(`(written to ${writeResults('dataset', results)})`);
  }
  if (suite === undefined || suite === 'scale') {
    const { runScale } = await import('./scale');
    if (suite === undefined) log('');
    log('== bench/scale ==');
    const results = await runScale(rest, log);
    log(`(written to ${writeResults('scale', results)})`);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
