import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetPager } from '../../../../src/core/dataset/viewer/dataset-pager';
import { JournalLookup } from '../../../../src/core/dataset/viewer/journal-lookup';
import { CHECKPOINT_EVERY, LineIndex } from '../../../../src/core/dataset/viewer/line-index';
import { writeSyntheticDataset, type SyntheticDataset } from '../../../support/synthetic-dataset';

const LINES = 20_000;

describe('dataset viewer: line index and paging', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  let made: SyntheticDataset;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'forge-pager-'));
    file = join(dir, 'big.jsonl');
    made = await writeSyntheticDataset(file, { lines: LINES, journal: true, brokenEvery: 997 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('counts every line and keeps one offset per checkpoint, each the start of its line', async () => {
    const index = await new LineIndex().build(file, { totalBytes: made.bytes });
    assert.equal(index.lines, LINES);
    assert.equal(index.complete, true);
    const bytes = readFileSync(file);
    for (const line of [1, CHECKPOINT_EVERY, CHECKPOINT_EVERY + 1, 5 * CHECKPOINT_EVERY + 7, LINES]) {
      const cp = index.checkpointFor(line);
      assert.ok(cp.line <= line && line - cp.line < CHECKPOINT_EVERY, `checkpoint ${cp.line} for line ${line}`);
      assert.ok(cp.offset === 0 || bytes[cp.offset - 1] === 10, `offset ${cp.offset} starts a line`);
      // The checkpoint's line is the one an editor would number so.
      assert.equal(bytes.subarray(0, cp.offset).filter((b) => b === 10).length, cp.line - 1);
    }
  });

  it('counts a last line without a newline, and an empty file as no lines', async () => {
    const f = join(dir, 'tail.jsonl');
    writeFileSync(f, 'a\nb\nc');
    assert.equal((await new LineIndex().build(f, { totalBytes: 5 })).lines, 3);
    writeFileSync(f, '');
    assert.equal((await new LineIndex().build(f, { totalBytes: 0 })).lines, 0);
  });

  it('stops when aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(new LineIndex().build(file, { totalBytes: made.bytes, signal: abort.signal }), { name: 'AbortError' });
  });

  it('shows any page, deep in the file, as the lines at those numbers with their journal records', async () => {
    const pager = await DatasetPager.open(file);
    try {
      await pager.indexed;
      for (const start of [1, 4321, LINES - 10]) {
        const page = await pager.page(start, 25);
        const conversations = page.items.filter((i) => i.kind === 'conversation');
        assert.ok(conversations.length >= Math.min(24, LINES - start), `page at ${start}`);
        for (const item of conversations) {
          assert.match(item.turns[0]!.content, new RegExp(`^conversation ${item.line}:`));
          assert.equal(item.id, `c${item.line}`);
        }
        assert.equal(page.items[0]!.line, start);
      }
      const meta = await pager.journal!.entry(await offsetOf(pager, 4321));
      assert.equal(meta?.id, 'c4321');
    } finally {
      pager.dispose();
    }
  });

  it('pages before the index is finished', async () => {
    const pager = await DatasetPager.open(file);
    try {
      const page = await pager.page(LINES - 3, 3);
      assert.deepEqual(
        page.items.map((i) => i.line),
        [LINES - 3, LINES - 2, LINES - 1],
      );
    } finally {
      pager.dispose();
    }
  });

  it('while counting, seeks a page far beyond the lines counted by estimated offset; its first line is numbered exactly later', async () => {
    // An index stopped at its first progress report (8 MB): what the pager has a moment after opening.
    const index = new LineIndex();
    const stop = new AbortController();
    await index.build(file, { totalBytes: made.bytes, signal: stop.signal, onProgress: () => stop.abort() }).catch(() => undefined);
    assert.equal(index.complete, false);
    assert.ok(index.lines > 1000 && index.lines < LINES / 2, `${index.lines} lines counted`);
    const pager = await DatasetPager.open(file, { index });
    try {
      const near = LINES - 2000;
      const page = await pager.pageNear(near, 25);
      assert.ok(page.approximate, 'sought, not walked to');
      assert.equal(page.start, near);
      const real = page.items.flatMap((i) =>
        i.kind === 'conversation' ? [Number(/^conversation (\d+):/.exec(i.turns[0]!.content)![1])] : [],
      );
      assert.ok(real.length >= 24, 'a whole page');
      assert.ok(Math.abs(real[0]! - near) < 200, `sought line ${near}, landed on ${real[0]}`);
      // Consecutive lines from a line start, and the journal still matches them.
      const expected: number[] = [];
      for (let l = real[0]!; expected.length < real.length; l++) if (l % 997 !== 0) expected.push(l);
      assert.deepEqual(real, expected);
      const first = page.items[0]!;
      assert.ok(first.kind === 'conversation' && first.id === `c${real[0]}`);
      assert.equal(await pager.lineAt(page.approximate.offset), real[0], 'the exact number, from the offset');
      // Near the lines counted, and past the end: walked exactly / still a last page.
      assert.equal((await pager.pageNear(index.lines + 10, 5)).approximate, undefined);
      const end = await pager.pageNear(LINES * 3, 25);
      assert.ok(end.items.length > 0 && end.items.length <= 25);
      const complete = await DatasetPager.open(file);
      await complete.indexed;
      assert.equal((await complete.pageNear(near, 25)).approximate, undefined, 'exact once counted');
      complete.dispose();
    } finally {
      pager.dispose();
    }
  });

  it('reports broken lines by number, skips them, and leaves the file as it was', async () => {
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const pager = await DatasetPager.open(file);
    try {
      const page = await pager.page(990, 20);
      const broken = page.items.filter((i) => i.kind === 'broken');
      assert.deepEqual(
        broken.map((b) => b.line),
        [997],
      );
      assert.match(broken[0]!.kind === 'broken' ? broken[0]!.problem : '', /^not JSON/);
      assert.equal(page.items.filter((i) => i.kind === 'conversation').length, 19);
    } finally {
      pager.dispose();
    }
    assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), before);
  });

  it("opens a dataset that is not Forge's (no journal), blank lines and all", async () => {
    const f = join(dir, 'foreign.jsonl');
    const row = (n: number) =>
      JSON.stringify({
        conversations: [
          { from: 'human', value: `q${n}` },
          { from: 'gpt', value: `a${n}` },
        ],
      });
    writeFileSync(f, `${row(1)}\n\n${row(3)}\n`);
    const pager = await DatasetPager.open(f);
    try {
      assert.equal(pager.journal, undefined);
      assert.equal((await pager.indexed).lines, 3);
      const page = await pager.page(1, 10);
      assert.deepEqual(
        page.items.map((i) => (i.kind === 'conversation' ? [i.line, i.turns[0]!.content, i.id] : [i.line])),
        [
          [1, 'q1', undefined],
          [3, 'q3', undefined],
        ],
      );
    } finally {
      pager.dispose();
    }
  });
});

async function offsetOf(pager: DatasetPager, line: number): Promise<number> {
  const item = (await pager.page(line, 1)).items[0]!;
  assert.equal(item.kind, 'conversation');
  return item.kind === 'conversation' ? item.offset : -1;
}

describe('dataset viewer: journal lookup by binary search', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'forge-journal-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("finds every record's entry and journal line, past torn and foreign lines, and nothing for an unknown offset", async () => {
    const file = join(dir, 'd.jsonl');
    const made = await writeSyntheticDataset(file, { lines: 3_000, journal: true });
    const journal = file.replace(/\.jsonl$/, '.meta.jsonl');
    // A foreign line and a torn one in the middle of the journal, as a hand edit or a crash might leave.
    const lines = readFileSync(journal, 'utf8').split('\n');
    lines.splice(1500, 0, 'not json at all', '{"id":"torn');
    writeFileSync(journal, lines.join('\n'));
    const lookup = (await JournalLookup.open(file))!;
    const rows = readFileSync(file, 'utf8').split('\n');
    let offset = 0;
    for (const [i, row] of rows.slice(0, made.lines).entries()) {
      if (i % 97 === 0 || i === 1499 || i === 1500) {
        assert.equal((await lookup.entry(offset))?.id, `c${i + 1}`, `record ${i + 1}`);
      }
      offset += Buffer.byteLength(row) + 1;
    }
    const lastOffset = offset - Buffer.byteLength(rows[made.lines - 1]!) - 1;
    assert.equal(await lookup.lineOf(lastOffset), made.lines + 2);
    assert.equal(await lookup.lineOf(0), 1);
    assert.equal(await lookup.entry(1), undefined);
    const facets = await lookup.facets();
    assert.equal(
      Object.values(facets.batches).reduce((a, b) => a + b, 0),
      made.lines,
    );
  });
});
