// `convforge init [folder]`: copies the example prompt files that ship with the package into a
// folder of the user's, so a fresh install has something to run against the simulator at once.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT, type CliArgs } from './args';
import type { CliIo } from './commands';
import { relative } from './format';

export const DEFAULT_INIT_FOLDER = 'forge-examples';
const PACKAGE_NAME = 'conversation-forge';

/**
 * The examples folder of this installation: beside the package.json of conversation-forge above
 * `from` (dist/ in the installed package, src/cli/ in a checkout).
 */
export function findExamplesDir(from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === PACKAGE_NAME && fs.existsSync(path.join(dir, 'examples'))) return path.join(dir, 'examples');
    } catch {
      // no package.json here: keep climbing
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function initCommand(args: CliArgs, io: CliIo, examples: string | undefined = findExamplesDir()): number {
  if (!examples) {
    io.stderr.write('convforge: init: this installation has no examples folder (reinstall the package)\n');
    return EXIT.usage;
  }
  const names = fs
    .readdirSync(examples)
    .filter((f) => f.endsWith('.forge.yaml'))
    .sort();
  const target = path.resolve(io.cwd, args.inputs[0] ?? DEFAULT_INIT_FOLDER);
  if (fs.existsSync(target) && !fs.statSync(target).isDirectory()) {
    io.stderr.write(`convforge: init: ${relative(io.cwd, target)} exists and is not a folder\n`);
    return EXIT.usage;
  }
  // All or nothing: never overwrite a prompt file the user may have edited.
  const clashes = names.map((n) => path.join(target, n)).filter((p) => fs.existsSync(p));
  if (clashes.length > 0) {
    io.stderr.write(
      `convforge: init: nothing written, these files exist already:\n${clashes.map((p) => `  ${relative(io.cwd, p)}\n`).join('')}`,
    );
    return EXIT.usage;
  }
  fs.mkdirSync(target, { recursive: true });
  for (const n of names) fs.copyFileSync(path.join(examples, n), path.join(target, n), fs.constants.COPYFILE_EXCL);
  const shown = path.relative(io.cwd, target) === '' ? '.' : relative(io.cwd, target);
  io.stdout.write(
    `Wrote ${names.length} example prompt files to ${shown}/:\n` +
      names.map((n) => `  ${relative(io.cwd, path.join(target, n))}\n`).join('') +
      `\nTry them for free against the built-in simulator (writes *.simulated.jsonl):\n` +
      `  convforge generate ${shown} --simulate\n` +
      `Then, with ANTHROPIC_API_KEY set, see what a real run costs before it starts:\n` +
      `  convforge estimate ${shown}\n`,
  );
  return EXIT.ok;
}
