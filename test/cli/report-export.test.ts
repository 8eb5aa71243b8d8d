import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { splitOf } from '../../src/core/dataset/split';
import { cli, readJsonl, tempWorkspace } from './support';

const conv = (user: string, assistant: string, system?: string) =>
  JSON.stringify({
    messages: [
      ...(system ? [{ role: 'system', content: system }] : []),
      { role: 'user', content: user },
      { role: 'assistant', content: assistant },
    ],
  });

const LONG = (topic: string) =>
  `Could you walk me through how ${topic} works in practice, including the steps, the usual mistakes people make, and how to check the result afterwards?`;

/** A dataset that is not Forge's (no journal): a duplicate pair, a refusal, a meta line, a broken line. */
function dataset(): string {
  return (
    [
      conv(
        LONG('compound interest'),
        'Sure. Interest is added to the principal each period, so the next period earns interest on interest.',
        'Be brief.',
      ),
      conv(LONG('photosynthesis'), 'Plants turn light, water and carbon dioxide into sugar and oxygen in their chloroplasts.', 'Be brief.'),
      conv(
        LONG('compound interest'),
        'Sure. Interest is added to the principal each period, so the next period earns interest on interest.',
        'Be brief.',
      ),
      '{"messages": [oops',
      conv(LONG('lock picking'), "I'm sorry, but I can't help with that request.", 'Be brief.'),
      conv(LONG('tides'), 'Here is a realistic conversation about tides: the moon pulls the oceans.', 'Be brief.'),
      JSON.stringify({
        conversations: [
          { from: 'human', value: LONG('volcanoes') },
          { from: 'gpt', value: 'Magma rises through cracks in the crust and erupts when pressure builds.' },
        ],
      }),
    ].join('\n') + '\n'
  );
}

describe('convforge report and export', function () {
  this.timeout(30_000);

  it('report: counts, broken lines with their line number, duplicates, refusals and meta-commentary, from lines alone', async () => {
    const dir = tempWorkspace({ 'd.jsonl': dataset() });
    const r = await cli(['report', 'd.jsonl', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.conversations, 6);
    assert.equal(report.broken.count, 1);
    assert.equal(report.broken.first[0].line, 4);
    assert.equal(report.journal, false);
    assert.equal(report.duplicates.exact, 1);
    assert.ok(Math.abs(report.refusalRate - 1 / 6) < 1e-9);
    assert.ok(Math.abs(report.metaCommentaryRate - 1 / 6) < 1e-9);
    assert.equal(report.messagesPerConversation.mean, 2);
    assert.ok(report.distinct.assistant.distinct1 > 0.5 && report.distinct.assistant.distinct1 <= 1);
    const text = await cli(['report', 'd.jsonl'], dir);
    assert.match(text.stdout, /conversations 6, broken lines 1 \(skipped\) — no journal/);
    assert.match(text.stdout, /d\.jsonl:4: not JSON/);
    assert.equal(fs.readFileSync(path.join(dir, 'd.jsonl'), 'utf8'), dataset(), 'the dataset is never rewritten');
  });

  it('report on a Forge dataset reads batches, variables and cost from the journal', async () => {
    const dir = tempWorkspace({
      '.convforge': '',
      'a.forge.yaml':
        'model: claude-haiku-5-5\ncount: 6\nturns: 4\nprompt: A {{who}} asks.\nvariables:\n  who: [cook, pilot]\noutput:\n  path: out/a.jsonl\n',
    });
    assert.equal((await cli(['generate', 'a.forge.yaml', '--simulate', '--quiet'], dir)).code, 0);
    const r = await cli(['report', 'out/a.simulated.jsonl', '--json'], dir);
    const report = JSON.parse(r.stdout);
    assert.equal(report.journal, true);
    assert.deepEqual(report.byBatch, { a: 6 });
    assert.deepEqual(report.byVariable, { who: { cook: 3, pilot: 3 } });
    assert.ok(report.cost.totalUsd > 0);
  });

  it("report takes a run's datasets together (named, a folder, or prompt files) with each one's figures and the total", async () => {
    const dir = tempWorkspace({
      '.convforge': '',
      'a.forge.yaml':
        'name: a\nmodel: claude-haiku-5-5\ncount: 4\nprompt: A {{who}} asks.\nvariables:\n  who: [cook, pilot]\noutput:\n  path: out/a.jsonl\n',
      'b.forge.yaml':
        'name: b\nmodel: claude-haiku-5-5\ncount: 3\nprompt: A {{who}} asks.\nvariables:\n  who: [cook, pilot]\noutput:\n  path: out/b.jsonl\n',
      'out/c.jsonl': dataset(),
    });
    assert.equal((await cli(['generate', 'a.forge.yaml', 'b.forge.yaml', '--simulate', '--quiet'], dir)).code, 0);
    const named = JSON.parse(
      (await cli(['report', 'out/a.simulated.jsonl', 'out/b.simulated.jsonl', 'out/c.jsonl', '--json'], dir)).stdout,
    );
    const folder = JSON.parse((await cli(['report', 'out', '--json'], dir)).stdout);
    const byName = (r: { perDataset: { dataset: string }[] }) => r.perDataset.map((f) => path.basename(f.dataset));
    assert.deepEqual(byName(named), ['a.simulated.jsonl', 'b.simulated.jsonl', 'c.jsonl']);
    assert.deepEqual(byName(folder).sort(), byName(named).sort(), 'a folder is every dataset under it (not the journals)');
    assert.deepEqual(
      named.perDataset.map((f: { conversations: number; broken: number }) => [f.conversations, f.broken]),
      [
        [4, 0],
        [3, 0],
        [6, 1],
      ],
    );
    assert.equal(named.conversations, 13, 'the total is the sum');
    assert.equal(named.perDataset[2].duplicates.exact, 1);
    assert.ok(named.perDataset[0].cost.perConversationUsd > 0 && named.perDataset[2].cost.conversationsWithCost === 0);
    const promptFiles = JSON.parse((await cli(['report', 'a.forge.yaml', 'b.forge.yaml', '--json'], dir)).stdout);
    assert.deepEqual(byName(promptFiles), ['a.simulated.jsonl', 'b.simulated.jsonl'], 'a prompt file stands for the datasets it writes');
    const text = (await cli(['report', 'out'], dir)).stdout;
    assert.match(text, /By dataset:\n +dataset +conversations +broken +duplicates +marked +refusals +failed +cost\/conversation\n/);
    assert.match(text, /\n +out\/c\.jsonl +6 +1 +16\.7 % +0 +16\.7 % +0 +—\n/);
    assert.match(text, /\n +total +13 +1 /);
    const bad = await cli(['report', 'out/a.simulated.meta.jsonl'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /a journal or failure log, not a dataset/);
  });

  it('export: duplicates, flagged and broken lines left out unless asked; bedrock refuses what it cannot take', async () => {
    const dir = tempWorkspace({ 'd.jsonl': dataset() });
    const r = await cli(['export', 'd.jsonl', '--out', 'x', '--format', 'hf', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.deepEqual(s.skipped, { duplicates: 1, flagged: 2, broken: 1, incompatible: 0 });
    const rows = readJsonl(path.join(dir, 'x/train.jsonl')) as { messages: { role: string }[] }[];
    assert.equal(rows.length, 3);
    assert.deepEqual(Object.keys(rows[0]!), ['messages'], 'no metadata keys');
    assert.equal(rows[0]!.messages[0]!.role, 'system');
    const all = await cli(['export', 'd.jsonl', '--out', 'y', '--include-duplicates', '--include-flagged', '--json'], dir);
    assert.equal(JSON.parse(all.stdout).train, 6);
    const again = await cli(['export', 'd.jsonl', '--out', 'x'], dir);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /train\.jsonl exists: choose another output folder, or replace the earlier export with --force/);
    const bedrock = tempWorkspace({
      'e.jsonl':
        JSON.stringify({
          messages: [
            { role: 'assistant', content: 'Hi there, how can I help you today with anything?' },
            { role: 'user', content: 'Nothing at all, thanks for asking me though.' },
          ],
        }) + '\n',
    });
    const b = await cli(['export', 'e.jsonl', '--out', 'b', '--format', 'bedrock', '--json'], bedrock);
    const bs = JSON.parse(b.stdout);
    assert.equal(bs.skipped.incompatible, 1);
    assert.match(bs.problems[0].problem, /first message to be from the user/);
  });

  it('export: the train/validation split is decided by id and is the same every time; parquet reads back', async () => {
    const lines = Array.from({ length: 60 }, (_, i) =>
      conv(`Question number ${i} about subject ${i * 7} and why it matters.`, `Answer ${i}: it matters because of reason ${i * 13}.`),
    );
    const dir = tempWorkspace({ 'd.jsonl': lines.join('\n') + '\n' });
    const one = JSON.parse(
      (await cli(['export', 'd.jsonl', '--out', 'p', '--format', 'parquet', '--validation', '0.25', '--json'], dir)).stdout,
    );
    const two = JSON.parse(
      (await cli(['export', 'd.jsonl', '--out', 'p', '--format', 'parquet', '--validation', '0.25', '--force', '--json'], dir)).stdout,
    );
    assert.deepEqual([one.train, one.validation], [two.train, two.validation]);
    assert.equal(one.train + one.validation, 60);
    assert.ok(one.validation > 5 && one.validation < 25, `validation ${one.validation}`);
    const buffer = fs.readFileSync(path.join(dir, 'p/train-00000.parquet'));
    const rows = (await parquetReadObjects({ file: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) })) as {
      messages: { role: string; content: string }[];
    }[];
    assert.equal(rows.length, one.train);
    assert.equal(rows[0]!.messages[0]!.role, 'user');
    assert.equal(splitOf('same-id', 0.5), splitOf('same-id', 0.5));
    assert.throws(() => splitOf('x', 1), /Expected `validation`/);
  });

  it('export and dedup take folders as report does, leaving out the dry runs a folder brings unless one is named', async () => {
    const real = [conv(LONG('tides'), 'The moon pulls the oceans.'), conv(LONG('volcanoes'), 'Magma rises through cracks.')];
    const filler = [conv(LONG('filler'), 'Simulated text.')];
    const dir = tempWorkspace({
      'datasets/support.jsonl': real.join('\n') + '\n',
      'datasets/support.simulated.jsonl': filler.join('\n') + '\n',
      'dry/only.simulated.jsonl': filler.join('\n') + '\n',
    });
    const folder = await cli(['export', 'datasets', '--out', 'o', '--json'], dir);
    assert.equal(folder.code, 0, folder.stderr);
    assert.equal(JSON.parse(folder.stdout).train, 2, 'the real dataset only');
    const rows = readJsonl(path.join(dir, 'o', 'train.jsonl')) as { messages: { content: string }[] }[];
    assert.ok(
      rows.every((r) => !r.messages.some((m) => m.content === 'Simulated text.')),
      'no filler in the training data',
    );
    const report = await cli(['report', 'datasets', '--json'], dir);
    assert.equal(JSON.parse(report.stdout).conversations, 3, 'the report shows the dry run too');
    const dryOnly = await cli(['export', 'dry', '--out', 'o2'], dir);
    assert.equal(dryOnly.code, 2);
    assert.match(dryOnly.stderr, /dry: only dry-run datasets \(\*\.simulated\.jsonl\)/);
    assert.match((await cli(['dedup', 'dry'], dir)).stderr, /dry: only dry-run datasets/);
    const named = await cli(['export', 'dry/only.simulated.jsonl', '--out', 'o3', '--json'], dir);
    assert.equal(named.code, 0, named.stderr);
    assert.equal(JSON.parse(named.stdout).train, 1, 'a named dry run is used');
  });

  it('bad input: a missing dataset, a folder without datasets, and export without --out are usage errors', async () => {
    const dir = tempWorkspace({ 'sub/x.txt': '' });
    assert.match((await cli(['report', 'nope.jsonl'], dir)).stderr, /nope\.jsonl: no such file or folder/);
    assert.match((await cli(['report', 'sub'], dir)).stderr, /sub: no dataset \(\*\.jsonl\) in this folder/);
    assert.match((await cli(['export', 'sub', '--out', 'o'], dir)).stderr, /sub: no dataset \(\*\.jsonl\) in this folder/);
    assert.match((await cli(['export', 'nope.jsonl'], dir)).stderr, /export: name the folder to write with --out DIR/);
    assert.match(
      (await cli(['export', 'x', '--out', 'o', '--threshold', '2'], dir)).stderr,
      /--threshold: expected a number above 0 and at most 1/,
    );
  });
});
