import { EXIT, HELP, parseCliArgs, UsageError } from './args';
import { estimateCommand, generateCommand, simulateCommand, validateCommand, type CliIo } from './commands';
import { initCommand } from './init';
import { FORGE_VERSION } from '../core/version';

/** Runs one CLI invocation; returns the exit code. Never lets a stack trace reach the user. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    switch (args.command) {
      case 'help':
        io.stdout.write(HELP);
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
      case 'init':
        return initCommand(args, io);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`convforge: ${e.message}\nRun \`convforge --help\` for usage.\n`);
      return EXIT.usage;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`convforge: ${message.replace(/sk-ant-[A-Za-z0-9_-]+/g, 'sk-ant-…')}\n`);
    return EXIT.usage;
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
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt: (listener) => listeners.push(listener),
  };
}

if (require.main === module) {
  void runCli(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
    // Keep-alive handles (sockets in a pool) must not hold the process open after a finished run.
    setTimeout(() => process.exit(code), 200).unref();
  });
}
