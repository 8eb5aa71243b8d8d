import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findExamplesDir } from '../../src/cli/init';
import { cli, tempWorkspace } from './support';

const REPO = path.resolve(__dirname, '..', '..');
const shipped = fs
  .readdirSync(path.join(REPO, 'examples'))
  .filter((f) => f.endsWith('.forge.yaml'))
  .sort();

describe('convforge init', function () {
  this.timeout(60_000);

  it('finds the examples beside the package, from the sources and from dist/ alike', () => {
    assert.equal(findExamplesDir(path.join(REPO, 'src', 'cli')), path.join(REPO, 'examples'));
    assert.equal(findExamplesDir(path.join(REPO, 'dist')), path.join(REPO, 'examples'));
    assert.equal(findExamplesDir(path.parse(REPO).root), undefined);
  });

  it('writes the shipped examples into forge-examples/, which then generate against the simulator', async () => {
    const ws = tempWorkspace({});
    const r = await cli(['init'], ws);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(shipped.length >= 3);
    assert.deepEqual(fs.readdirSync(path.join(ws, 'forge-examples')).sort(), shipped);
    for (const f of shipped) {
      assert.equal(fs.readFileSync(path.join(ws, 'forge-examples', f), 'utf8'), fs.readFileSync(path.join(REPO, 'examples', f), 'utf8'));
    }
    assert.match(r.stdout, /convforge generate forge-examples --simulate/);

    const run = await cli(['generate', 'forge-examples', '--simulate', '--json', '--rpm', '6000'], ws);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { generated: number; failed: number };
    assert.ok(summary.generated > 0);
    assert.equal(summary.failed, 0);
  });

  it('takes a folder, and refuses to overwrite anything (nothing written, every clash named)', async () => {
    const ws = tempWorkspace({ 'mine/code-review.forge.yaml': 'my own edits\n' });
    const r = await cli(['init', 'mine'], ws);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nothing written, these files exist already:\n {2}mine\/code-review\.forge\.yaml\n/);
    assert.deepEqual(fs.readdirSync(path.join(ws, 'mine')), ['code-review.forge.yaml']);
    assert.equal(fs.readFileSync(path.join(ws, 'mine', 'code-review.forge.yaml'), 'utf8'), 'my own edits\n');

    const into = await cli(['init', 'fresh/nested'], ws);
    assert.equal(into.code, 0, into.stderr);
    assert.deepEqual(fs.readdirSync(path.join(ws, 'fresh', 'nested')).sort(), shipped);
  });

  it('refuses a file in place of the folder and more than one folder', async () => {
    const ws = tempWorkspace({ taken: 'x' });
    const file = await cli(['init', 'taken'], ws);
    assert.equal(file.code, 2);
    assert.match(file.stderr, /init: taken exists and is not a folder/);
    const two = await cli(['init', 'a', 'b'], ws);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /init: takes at most one folder, got `a` `b`/);
  });
});

describe('convforge --version', () => {
  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = await cli([flag], REPO);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `convforge ${version}\n`);
    }
  });
});
