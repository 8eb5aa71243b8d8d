import { runEngine } from './engine';
import { writeResults } from './results-file';

/**
 *   npm run bench                          both suites
 *   npm run bench -- engine                data structures and the admit decision
 *   npm run bench -- throughput [names…]   clients against a fresh simulator per run
 *   npm run bench -- sharing [stores]      N processes on one key, shared vs unshared; store latency (only)
 */
const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(argv: readonly string[]): Promise<void> {
  const [suite, ...rest] = argv;
  if (suite !== undefined && suite !== 'engine' && suite !== 'throughput' && suite !== 'sharing') {
    throw new Error(`Expected the suite to be \`engine\`, \`throughput\` or \`sharing\`, got \`${suite}\``);
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
  if (suite === undefined || suite === 'sharing') {
    const { runSharing } = await import('./sharing');
    if (suite === undefined) log('');
    log('== bench/sharing ==');
    const results = await runSharing(log, (line) => void process.stderr.write(`${line}\n`), rest[0] === 'stores' ? 'stores' : undefined);
    log(`(written to ${writeResults('sharing', results)})`);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
