// `npm run test:package`: the two packages as a user gets them. The npm tarball is packed, installed
// into a throwaway global prefix (offline, with an empty npm cache: it must need nothing from a
// registry) and run the way its README says; `npx` runs it too. The VSIX is built with
// `npm run package:vsix` and its file list compared with the pinned one. Slow (two production
// builds), so not part of `npm test`; it must pass on a machine with only Node 20+ and npm.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { EXPECTED_VSIX_FILES, expectedTarballFiles } from './expected-files';
import { zipEntryNames } from './zip-listing';

const exec = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
const PKG = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
};
const EXAMPLES = fs
  .readdirSync(path.join(REPO, 'examples'))
  .filter((f) => f.endsWith('.forge.yaml'))
  .sort();

/** The environment of a shell on a fresh machine: none of the npm_* variables `npm run` exports. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  delete env.ANTHROPIC_API_KEY;
  delete env.ANTHROPIC_BASE_URL;
  return { ...env, ...extra };
}

async function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await exec(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: err });
  }
}

describe('npm package (packed, installed, run)', function () {
  this.timeout(300_000);
  let tmp: string;
  let tarball: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convforge-pack-'));
    // an empty cache: anything the install wanted from a registry would fail offline
    env = cleanEnv({
      npm_config_cache: path.join(tmp, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    });
    const out = await run('npm', ['pack', '--json', '--pack-destination', tmp], REPO, env);
    const [packed] = JSON.parse(out.slice(out.indexOf('['))) as {
      filename: string;
      size: number;
      unpackedSize: number;
      files: { path: string }[];
    }[];
    tarball = path.join(tmp, packed!.filename);
    console.log(
      `      tarball ${packed!.filename}: ${(packed!.size / 1024).toFixed(1)} KiB packed, ${(packed!.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${packed!.files.length} files`,
    );
    assert.deepEqual(packed!.files.map((f) => f.path).sort(), expectedTarballFiles(EXAMPLES));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('declares no dependencies (the bundle carries them) and is installable', () => {
    const text = fs.readFileSync(path.join(REPO, 'package.json'), 'utf8');
    const pkg = JSON.parse(text) as Record<string, unknown>;
    assert.equal(pkg['private'], undefined, 'a private package cannot be published');
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies']) {
      assert.deepEqual(Object.keys((pkg[field] as object | undefined) ?? {}), [], `${field} would be installed with the CLI`);
    }
    assert.deepEqual(PKG.bin, { convforge: './dist/cli.js' });
  });

  it('installs globally into an empty prefix offline, pulls in nothing, and runs the examples against the simulator', async () => {
    const prefix = path.join(tmp, 'prefix');
    await run('npm', ['install', '--global', '--offline', '--prefix', prefix, tarball], tmp, env);
    const installed = path.join(prefix, 'lib', 'node_modules', PKG.name);
    assert.equal(fs.existsSync(path.join(installed, 'node_modules')), false, 'the install pulled in dependencies');
    const bin = path.join(prefix, 'bin', 'convforge');
    const pathEnv = { ...env, PATH: `${path.dirname(bin)}${path.delimiter}${env.PATH ?? ''}` };

    assert.equal(await run('convforge', ['--version'], tmp, pathEnv), `convforge ${PKG.version}\n`);
    const ws = fs.mkdirSync(path.join(tmp, 'ws'), { recursive: true })!;
    const init = await run('convforge', ['init'], ws, pathEnv);
    assert.match(init, /convforge generate forge-examples --simulate/);
    assert.deepEqual(fs.readdirSync(path.join(ws, 'forge-examples')).sort(), EXAMPLES);
    const summary = JSON.parse(
      await run('convforge', ['generate', 'forge-examples', '--simulate', '--json', '--rpm', '6000'], ws, pathEnv),
    ) as {
      generated: number;
      failed: number;
      simulated: boolean;
    };
    assert.equal(summary.simulated, true);
    assert.equal(summary.failed, 0);
    assert.equal(summary.generated, 52, 'the three examples hold 52 conversations');
    for (const f of ['code-review', 'support-refunds', 'tutoring']) {
      const journal = fs
        .readFileSync(path.join(ws, 'forge-examples', 'datasets', `${f}.simulated.meta.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('{"mark":')); // duplicate marks carry no version
      assert.ok(
        journal.every((l) => (JSON.parse(l) as { forgeVersion?: string }).forgeVersion === PKG.version),
        `${f}: journal lines name the version`,
      );
    }
  });

  it('runs with npx from the tarball', async () => {
    const out = await run('npx', ['--yes', '--offline', '--package', tarball, 'convforge', '--version'], tmp, env);
    assert.equal(out, `convforge ${PKG.version}\n`);
  });
});

describe('VSIX (npm run package:vsix)', function () {
  this.timeout(300_000);

  it('holds exactly the files the extension needs at run time, plus license, changelog, readme and icon', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convforge-vsix-'));
    try {
      const out = path.join(tmp, 'x.vsix');
      const log = await run('npm', ['run', '-s', 'package:vsix', '--', '--out', out], REPO, cleanEnv({}));
      assert.doesNotMatch(log, /WARNING/i, log);
      const files = zipEntryNames(out);
      console.log(`      VSIX: ${(fs.statSync(out).size / 1024).toFixed(1)} KiB, ${files.length} files`);
      assert.deepEqual([...files].sort(), EXPECTED_VSIX_FILES);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
