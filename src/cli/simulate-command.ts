import { simulatorLimits } from '../engine';
import { defaultMessageBatchConfig, startSimulator, type MessageBatchConfig } from '../sim';
import { EXIT, type CliArgs } from './args';
import type { CliIo } from './commands';

export async function simulateCommand(args: CliArgs, io: CliIo): Promise<number> {
  // Every model class with the configured limits (bad limit flags are refused here, before listening).
  const limits = simulatorLimits(args.limits);
  const sim = await startSimulator({
    ...(args.port !== undefined ? { port: args.port } : { port: 8787 }),
    limits,
    latency: { baseMs: args.latencyMs ?? 300, perOutputTokenMs: 2, jitterMs: 200 },
    ...(args.simMessageBatches ? { messageBatches: args.simMessageBatches } : {}),
  });
  io.stdout.write(
    `Built-in Anthropic API simulator listening on ${sim.url}\n` +
      `  export ANTHROPIC_BASE_URL=${sim.url} ANTHROPIC_API_KEY=sk-ant-simulated\n` +
      `  stats: GET ${sim.url}/_sim/stats   faults/limits: POST ${sim.url}/_sim/config\n` +
      `  limits per model class: ${Object.entries(limits)
        .map(([c, l]) => `${c} ${l.requestsPerMinute} RPM / ${l.inputTokensPerMinute} ITPM / ${l.outputTokensPerMinute} OTPM`)
        .join('; ')}\n` +
      `  ${messageBatchSummary(args.simMessageBatches)}\n` +
      `Press Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => io.onInterrupt(resolve));
  await sim.close();
  const stats = sim.stats();
  const mb = stats.messageBatches;
  const batches = mb.created > 0 ? ` (${mb.created} Message Batches holding ${mb.requestsSubmitted} requests)` : '';
  io.stdout.write(`Simulator stopped after ${stats.requests} requests${batches}.\n`);
  return EXIT.ok;
}

function messageBatchSummary(options: Partial<MessageBatchConfig> = {}): string {
  const mb = { ...defaultMessageBatchConfig(), ...options };
  const errored = mb.outcomes.errored?.fraction ? `, ${mb.outcomes.errored.fraction * 100} % errored` : '';
  return (
    `Message Batches: done ${mb.processingSeconds} s after create, expire after ${mb.expirySeconds} s, ` +
    `${mb.requestsPerMinute} RPM, at most ${mb.maxQueuedRequests} queued requests${errored}`
  );
}
