// Which Chromium the browser tests drive, so `npm test` needs nothing but npm: CHROMIUM_PATH
// when set, else the machine's own Chromium when it has one, else the Chromium that
// @sparticuz/chromium ships brotli-compressed inside its npm package (unpacked once per install).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

export interface ChromiumBinary {
  path: string;
  /** Where it came from, for the suite's log line and error messages. */
  source: string;
  /** Extra environment for the browser process (the bundled one brings its own fonts config). */
  env: Record<string, string>;
}

const MACHINE_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** CHROMIUM_PATH, else the first Chromium on PATH; undefined when the machine has none. */
export function machineChromium(): ChromiumBinary | undefined {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH is set to ${explicit}, which does not exist.`);
    return { path: explicit, source: 'CHROMIUM_PATH', env: {} };
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of MACHINE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return { path: candidate, source: `the machine's ${candidate}`, env: {} };
    }
  }
  return undefined;
}

/**
 * The npm-shipped Chromium, unpacked into node_modules/.cache. The package itself unpacks into
 * the shared os.tmpdir() without locking, which races when two suites start at once; here each
 * process unpacks into its own staging folder (the package's code, pointed there by TMPDIR) and
 * renames it into place, so a reader only ever sees a complete folder.
 */
export async function bundledChromium(root: string): Promise<ChromiumBinary> {
  const main = require.resolve('@sparticuz/chromium', { paths: [root] });
  const pkgDir = packageDir(main);
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = join(root, 'node_modules', '.cache', `sparticuz-chromium-${version}`);
  const binary = join(dir, 'chromium');
  if (!existsSync(binary)) {
    const staging = `${dir}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
      const unpack = `const c = require(${JSON.stringify(main)}); (c.default ?? c).executablePath()
        .then(() => undefined, (e) => { console.error(e); process.exit(1); });`;
      await promisify(execFile)(process.execPath, ['-e', unpack], { env: { ...process.env, TMPDIR: staging } });
      try {
        renameSync(staging, dir);
      } catch (e) {
        // Another suite finished unpacking first: its folder is as good as ours.
        if (!existsSync(binary)) throw e;
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  writeFontsConf(dir);
  return {
    path: binary,
    source: `@sparticuz/chromium ${version} (npm)`,
    env: { FONTCONFIG_FILE: join(dir, 'fonts.conf') },
  };
}

function packageDir(resolvedMain: string): string {
  for (let dir = dirname(resolvedMain); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@sparticuz/chromium')
      return dir;
  }
  throw new Error(`Cannot find the package folder of ${resolvedMain}`);
}

// The machine's fonts when it has a fontconfig setup, plus the package's own Open Sans, so text
// renders on a machine with no fonts at all; the font cache stays inside the unpacked folder.
/**
 * Only the bundled Open Sans, every generic family mapped to it, and none of the machine's fonts:
 * the layout assertions (a grid that fits at 520 px) must not depend on which fonts a machine
 * happens to have. With the machine's fonts included, a fresh machine with only DejaVu (wider
 * than what a Chromium install brings along) ran tables 46 px off the panel. Rewritten when it
 * differs (an install unpacked before this change), by rename so a reader never sees half a file.
 */
function writeFontsConf(dir: string): void {
  const file = join(dir, 'fonts.conf');
  const text = fontsConf(dir);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  const staging = `${file}.${process.pid}`;
  writeFileSync(staging, text);
  renameSync(staging, file);
}

function fontsConf(dir: string): string {
  const families = ['sans-serif', 'serif', 'monospace', 'system-ui']
    .map((family) => `  <alias binding="same"><family>${family}</family><prefer><family>Open Sans</family></prefer></alias>`)
    .join('\n');
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${join(dir, 'fonts', 'fonts')}</dir>
  <cachedir>${join(dir, 'fontconfig-cache')}</cachedir>
${families}
</fontconfig>
`;
}
