import { startSimulator, type SimulatorOptions } from '../../src/sim';

/**
 * The simulator in a process of its own, so the client's CPU and memory figures are the client's
 * alone. Options come as JSON in argv[2]; the URL goes to stdout as one JSON line; SIGTERM closes it.
 */
async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
  const sim = await startSimulator({ seed: 1, ...options });
  process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);
  process.on('SIGTERM', () => {
    void sim.close().then(() => process.exit(0));
  });
}

void main();
