import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, journalRecords, readJsonl, SMALL_FILE, tempWorkspace } from './support';

interface Summary {
  generated: number;
  skipped: number;
  total: number;
}
interface MetaLine {
  id: string;
  index: number;
  batch?: string;
  promptHash?: string;
}

describe('convforge generate: editing a prompt file between runs', function () {
  this.timeout(60_000);

  const DATASET = 'out/alpha.simulated.jsonl';
  const META = 'out/alpha.simulated.meta.jsonl';
  const generate = (ws: string, ...flags: string[]) =>
    cli(['generate', 'a.forge.yaml', '--simulate', '--json', '--quiet', '--rpm', '3000', ...flags], ws);
  const write = (ws: string, text: string) => fs.writeFileSync(path.join(ws, 'a.forge.yaml'), text);
  const meta = (ws: string) => journalRecords(path.join(ws, META)) as MetaLine[];

  it('raising count generates only the new conversations; the first ids stay', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 10) });
    const first = await generate(ws);
    assert.equal(first.code, 0, first.stderr);
    assert.equal((JSON.parse(first.stdout) as Summary).generated, 10);
    const before = meta(ws).map((m) => m.id);

    write(ws, SMALL_FILE('alpha', 15));
    const second = await generate(ws);
    assert.equal(second.code, 0, second.stderr);
    const s = JSON.parse(second.stdout) as Summary;
    assert.equal(s.generated, 5);
    assert.equal(s.skipped, 10);
    const after = meta(ws);
    assert.equal(after.length, 15);
    assert.equal(new Set(after.map((m) => m.id)).size, 15);
    assert.deepEqual(
      after.slice(0, 10).map((m) => m.id),
      before,
    );
    assert.deepEqual(
      after.map((m) => m.index).sort((a, b) => a - b),
      [...Array(15).keys()],
    );
    assert.equal(readJsonl(path.join(ws, DATASET)).length, 15);
  });

  it('a comment, reformatting or a new priority generates nothing', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 6) });
    assert.equal((await generate(ws)).code, 0);
    write(ws, `# Reviewed: fine as is.\n${SMALL_FILE('alpha', 6, 'priority: high # urgent\n').replace('turns: 4', 'turns:   4')}`);
    const again = await generate(ws);
    assert.equal(again.code, 0, again.stderr);
    const s = JSON.parse(again.stdout) as Summary;
    assert.equal(s.generated, 0);
    assert.equal(s.skipped, 6);
    assert.equal(meta(ws).length, 6);
  });

  it('an edited prompt is refused (exit 2, nothing written) until --new-version, which appends the new version on purpose', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 8) });
    assert.equal((await generate(ws)).code, 0);
    const v1 = meta(ws);
    assert.ok(
      v1.every((m) => m.batch === 'alpha' && /^[0-9a-f]{64}$/.test(m.promptHash ?? '')),
      'journal lines name batch and version',
    );
    const datasetBefore = fs.readFileSync(path.join(ws, DATASET));
    const metaBefore = fs.readFileSync(path.join(ws, META));

    write(ws, SMALL_FILE('alpha', 8).replace('asks about', 'complains about'));
    const refused = await generate(ws);
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(refused.stdout, '');
    assert.match(
      refused.stderr,
      /^convforge: .*a\.forge\.yaml: the dataset .*alpha\.simulated\.jsonl already holds 8 conversations from an earlier version of this prompt file \(now batch "alpha"/m,
    );
    assert.match(refused.stderr, /point output\.path at a new file/);
    assert.match(refused.stderr, /--new-version/);
    assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(fs.readFileSync(path.join(ws, DATASET)), datasetBefore, 'dataset untouched');
    assert.deepEqual(fs.readFileSync(path.join(ws, META)), metaBefore, 'journal untouched');
    assert.equal(fs.existsSync(path.join(ws, `${DATASET}.lock`)), false, 'lock released');

    const mixed = await generate(ws, '--new-version');
    assert.equal(mixed.code, 0, mixed.stderr);
    assert.equal((JSON.parse(mixed.stdout) as Summary).generated, 8);
    const all = meta(ws);
    assert.equal(all.length, 16);
    assert.equal(new Set(all.map((m) => m.id)).size, 16);
    assert.equal(new Set(all.map((m) => m.promptHash)).size, 2);

    // The mix was chosen: resuming the new version needs no flag and repeats nothing.
    const resumed = await generate(ws);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((JSON.parse(resumed.stdout) as Summary).generated, 0);
  });

  it('renaming the batch but keeping output.path is refused like any new version', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 5) });
    assert.equal((await generate(ws)).code, 0);
    write(ws, SMALL_FILE('alpha', 5).replace('name: alpha', 'name: alpha-renamed'));
    const refused = await generate(ws);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /already holds 5 conversations from an earlier version of this prompt file \(now batch "alpha-renamed"/);
    assert.equal(meta(ws).length, 5);
  });

  it('a dataset from before versions were recorded is refused too, not silently doubled', async () => {
    const ws = tempWorkspace({ 'a.forge.yaml': SMALL_FILE('alpha', 4) });
    assert.equal((await generate(ws)).code, 0);
    // What an older Conversation Forge wrote: same lines without batch and promptHash.
    const metaPath = path.join(ws, META);
    const stripped = meta(ws).map(({ batch: _b, promptHash: _p, ...rest }) => JSON.stringify(rest));
    fs.writeFileSync(metaPath, `${stripped.join('\n')}\n`);

    const refused = await generate(ws);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /already holds 4 conversations written from this prompt file \(batch "alpha"\) before prompt versions were recorded/,
    );
    assert.equal(readJsonl(path.join(ws, DATASET)).length, 4);
  });
});
