import { createInterface } from 'node:readline';
import { redact } from '../core/errors';
import { exportCommand, reportCommand } from './dataset-commands';
import { dedupCommand } from './dedup-command';
import { EXIT, helpText, parseCliArgs, UsageError } from './args';
import { estimateCommand, renderCommand, validateCommand, type CliIo } from './commands';
import { generateCommand } from './generate-command';
import { simulateCommand } from './simulate-command';
import { initCommand } from './init';
import { batchesCommand } from './batches-command';
import { FORGE_VERSION } from '../core/version';

/** Runs one CLI invocation; returns the exit code. Never lets a stack trace reach the user. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    switch (args.command) {
      case 'help':
        io.stdout.write(helpText(args));
        return EXIT.ok;
      case 'version':
        io.stdout.write(`convforge ${FORGE_VERSION}\n`);
        return EXIT.ok;
      case 'validate':
        return await validateCommand(args, io);
      case 'estimate':
        return await estimateCommand(args, io);
      case 'generate':
        return await generateCommand(args, io);
      case 'simulate':
        return await simulateCommand(args, io);
      case 'render':
        return await renderCommand(args, io);
      case 'report':
        return await reportCommand(args, io);
      case 'export':
        return await exportCommand(args, io);
      case 'dedup':
        return await dedupCommand(args, io);
      case 'init':
        return initCommand(args, io);
      case 'batches':
        return await batchesCommand(args, io);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      const topic = args0(argv);
      io.stderr.write(`convforge: ${e.message}\nRun \`convforge ${topic ? `${topic} ` : ''}--help\` for usage.\n`);
      return EXIT.usage;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`convforge: ${redact(message)}\n`);
    return EXIT.usage;
  }
}

/** The command named on the line, when it is one, so a usage error can point at its own help. */
function args0(argv: readonly string[]): string | undefined {
  const first = argv.find((a) => !a.startsWith('-'));
  return first !== undefined &&
    ['generate', 'estimate', 'validate', 'render', 'report', 'export', 'dedup', 'simulate', 'init', 'batches'].includes(first)
    ? first
    : undefined;
}

async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function processIo(): CliIo {
  const listeners: (() => void)[] = [];
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write(`\nconvforge: second ${signal}, exiting now; the datasets stay consistent and resume next time.\n`);
      process.exit(EXIT.interrupted);
    }
    for (const l of listeners) l();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    cwd: process.cwd(),
    ...(process.stdin.isTTY && process.stderr.isTTY ? { ask: askOnTerminal } : {}),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt: (listener) => listeners.push(listener),
  };
}

if (require.main === module) {
  let settled = false;
  // Node exits with 0 when its event loop runs empty, even with the run unfinished: a stall (nothing
  // armed to wake it) would pass for success, with no summary. Say so and fail instead.
  process.on('beforeExit', () => {
    if (settled) return;
    settled = true;
    process.stderr.write(
      'convforge: internal error: the command stopped with nothing left to wait on, before it finished; nothing more was sent. Please report this.\n',
    );
    process.exitCode = 70;
  });
  void runCli(process.argv.slice(2), processIo()).then((code) => {
    settled = true;
    process.exitCode = code;
    // Keep-alive handles (sockets in a pool) must not hold the process open after a finished run.
    setTimeout(() => process.exit(code), 200).unref();
  });
}
