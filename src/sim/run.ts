import { startSimulator } from './server';
import type { SimulatorOptions } from './options';

/**
 * Runs the simulator in the foreground for a free dry run:
 *   npx tsx src/sim/run.ts --port 8787 --rpm 50 --itpm 50000 --otpm 10000 --seed 1 --thinking --message-batch-seconds 30
 * then point the CLI or extension at http://127.0.0.1:8787 (ANTHROPIC_BASE_URL). Limits and faults can
 * be changed while it runs with POST /_sim/config; GET /_sim/stats shows what it has seen.
 */
const FLAGS: Record<string, (o: SimulatorOptions, v: string) => void> = {
  '--host': (o, v) => (o.host = v),
  '--port': (o, v) => (o.port = Number(v)),
  '--seed': (o, v) => (o.seed = Number(v)),
  '--rpm': (o, v) => (o.limits = { ...o.limits, default: { ...o.limits?.default, requestsPerMinute: Number(v) } }),
  '--itpm': (o, v) => (o.limits = { ...o.limits, default: { ...o.limits?.default, inputTokensPerMinute: Number(v) } }),
  '--otpm': (o, v) => (o.limits = { ...o.limits, default: { ...o.limits?.default, outputTokensPerMinute: Number(v) } }),
  '--burst-seconds': (o, v) => (o.burstSeconds = Number(v)),
  '--latency-ms': (o, v) => (o.latency = { ...o.latency, baseMs: Number(v) }),
  '--tokens-per-message': (o, v) => (o.output = { ...o.output, tokensPerMessage: Number(v) }),
  '--message-batch-seconds': (o, v) => (o.messageBatches = { ...o.messageBatches, processingSeconds: Number(v) }),
  '--message-batch-rpm': (o, v) => (o.messageBatches = { ...o.messageBatches, requestsPerMinute: Number(v) }),
};

export function parseRunArgs(argv: readonly string[]): SimulatorOptions {
  const options: SimulatorOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--thinking') {
      options.thinking = true;
      continue;
    }
    const set = FLAGS[flag];
    const value = argv[i + 1];
    if (!set || value === undefined) {
      throw new TypeError(`Unknown or incomplete flag \`${flag}\`; known: ${[...Object.keys(FLAGS), '--thinking'].join(', ')}`);
    }
    set(options, value);
    i++;
  }
  return options;
}

async function main(): Promise<void> {
  const sim = await startSimulator({ port: 8787, ...parseRunArgs(process.argv.slice(2)) });
  process.stdout.write(`Anthropic API simulator listening on ${sim.url}\n`);
  process.once('SIGINT', () => {
    process.stdout.write(`${JSON.stringify(sim.stats(), null, 2)}\n`);
    void sim.close().then(() => process.exit(0));
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
