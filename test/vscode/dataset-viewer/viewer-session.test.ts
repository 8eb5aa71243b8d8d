import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ViewerWebviewMessage } from '../../../src/protocol';
import { DatasetPager } from '../../../src/core/dataset/viewer/dataset-pager';
import { LineIndex } from '../../../src/core/dataset/viewer/line-index';
import { harness, until } from './session-harness';
import { writeSyntheticDataset } from '../../support/synthetic-dataset';

describe('dataset viewer session (host side, no VS Code)', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'forge-session-'));
    file = join(dir, 'd.jsonl');
    await writeSyntheticDataset(file, { lines: 5_000, journal: true, brokenEvery: 400 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers ready with the file and its facets, then pages; ignores malformed messages', async () => {
    const h = harness(file);
    try {
      await h.send({ type: 'ready' });
      const init = h.posted.find((m) => m.type === 'init');
      assert.ok(init && init.type === 'init');
      assert.equal(init.init.name, 'd.jsonl');
      assert.equal(init.init.journal, true);
      const facets = await until('facets', () => h.posted.find((m) => m.type === 'facets'));
      assert.ok(facets.type === 'facets');
      assert.deepEqual(Object.keys(facets.facets.batches).sort(), ['billing', 'sales', 'support']);
      await h.send({ type: 'query', seq: 1, query: {} });
      const page = await until('page', () => h.posted.find((m) => m.type === 'page'));
      assert.ok(page.type === 'page');
      assert.equal(page.page.seq, 1);
      assert.equal(page.page.items[0]!.line, 1);
      await h.send({ type: 'page', seq: 1, start: 0 } as unknown as ViewerWebviewMessage);
      await h.send({ type: 'query', seq: 2, query: { text: 7 } });
      assert.equal(h.warnings.length, 1, 'the malformed query is dropped with a warning');
    } finally {
      h.session.dispose();
    }
  });

  it('drops a page request of an older query, and a newer query cancels the scan before it', async () => {
    const h = harness(file);
    try {
      await h.send({ type: 'ready' });
      await h.send({ type: 'query', seq: 1, query: { flags: ['duplicate'] } });
      await h.send({ type: 'query', seq: 2, query: { text: 'conversation 4321:' } });
      const page = await until('page 2', () => h.posted.find((m) => m.type === 'page' && m.page.seq === 2));
      assert.ok(page.type === 'page');
      assert.deepEqual(
        page.page.items.map((i) => i.line),
        [4321],
      );
      assert.ok(!h.posted.some((m) => m.type === 'page' && m.page.seq === 1), 'no page for the replaced query');
      const scans = h.posted.filter((m) => m.type === 'scan' && m.scan.seq === 1);
      assert.ok(!scans.some((m) => m.type === 'scan' && m.scan.state === 'done'));
      const before = h.posted.length;
      await h.send({ type: 'page', seq: 1, start: 0 });
      assert.equal(h.posted.length, before);
    } finally {
      h.session.dispose();
    }
  });

  it('cancels a scan when asked and says so', async () => {
    const h = harness(file);
    try {
      await h.send({ type: 'ready' });
      await h.send({ type: 'query', seq: 1, query: { flags: ['duplicate'] } });
      await h.send({ type: 'cancelScan' });
      const end = await until('scan end', () => h.posted.find((m) => m.type === 'scan' && m.scan.state !== 'running'));
      assert.ok(end.type === 'scan');
      assert.equal(end.scan.state, 'cancelled');
    } finally {
      h.session.dispose();
    }
  });

  it('opens the journal record and a line as text', async () => {
    const h = harness(file);
    try {
      await h.send({ type: 'ready' });
      await h.send({ type: 'query', seq: 1, query: {} });
      const page = await until('page', () => h.posted.find((m) => m.type === 'page'));
      const item = page.type === 'page' ? page.page.items[2]! : undefined;
      assert.ok(item?.kind === 'conversation');
      await h.send({ type: 'openJournal', offset: item.offset });
      await h.send({ type: 'openLine', line: 400 });
      assert.deepEqual(h.opened, [
        { file: file.replace(/\.jsonl$/, '.meta.jsonl'), line: 3 },
        { file, line: 400 },
      ]);
    } finally {
      h.session.dispose();
    }
  });

  it("flags the journal's marks (the page shown before they were read comes again) and links a duplicate to its original", async () => {
    const sub = join(dir, 'marked');
    mkdirSync(sub);
    const f = join(sub, 'a.jsonl');
    await writeSyntheticDataset(f, { lines: 600, journal: true });
    await writeSyntheticDataset(join(sub, 'b.jsonl'), { lines: 3, journal: true, seed: 5 });
    const time = '2026-01-02T00:00:00.000Z';
    const mark = (id: string, of: string) => ({ mark: 'duplicate', id, of, similarity: 0.9, threshold: 0.8, time });
    const marks = [
      mark('c2', 'c1'),
      mark('c5', 'c300'),
      { mark: 'dropped', id: 'c9999', index: 9998, promptHash: 'h', reason: 'duplicate of c1', time },
    ];
    // b.jsonl's ids are c1..c3 too: rename them so only b holds "b2".
    const bJournal = join(sub, 'b.meta.jsonl');
    writeFileSync(bJournal, readFileSync(bJournal, 'utf8').replace(/"id":"c(\d)"/g, '"id":"b$1"'));
    appendFileSync(
      join(sub, 'a.meta.jsonl'),
      [...marks, mark('c6', 'b2'), mark('c7', 'gone')].map((m) => `${JSON.stringify(m)}\n`).join(''),
    );
    const h = harness(f);
    try {
      await h.send({ type: 'ready' });
      await h.send({ type: 'query', seq: 1, query: {} });
      const facets = await until('facets', () => h.posted.find((m) => m.type === 'facets'));
      assert.ok(facets.type === 'facets');
      assert.deepEqual(facets.facets.marks, { duplicates: 4, dropped: 1, regenerate: 0 });
      const flagged = await until('a page with the marks', () =>
        h.posted.find((m) => m.type === 'page' && m.page.items.some((i) => i.kind === 'conversation' && i.flags.includes('duplicate'))),
      );
      assert.ok(flagged.type === 'page' && flagged.page.start === 1);
      const dups = flagged.page.items.filter((i) => i.kind === 'conversation' && i.flags.includes('duplicate'));
      assert.deepEqual(
        dups.map((i) => i.kind === 'conversation' && [i.line, i.duplicateOf?.id]),
        [
          [2, 'c1'],
          [5, 'c300'],
          [6, 'b2'],
          [7, 'gone'],
        ],
      );
      await h.send({ type: 'showOriginal', id: 'c300' });
      await until('reveal', () => h.posted.find((m) => m.type === 'reveal' && m.line === 300));
      await h.send({ type: 'showOriginal', id: 'b2' });
      assert.deepEqual(h.opened, [{ file: join(sub, 'b.jsonl'), line: 2 }], 'the original in the dataset beside it opens at its line');
      await h.send({ type: 'showOriginal', id: 'gone' });
      const notice = await until('notice', () => h.posted.find((m) => m.type === 'notice'));
      assert.ok(notice.type === 'notice' && notice.notice.startsWith('gone is not in this dataset'));
      // The duplicate filter lists exactly the marked ones.
      await h.send({ type: 'query', seq: 2, query: { flags: ['duplicate'] } });
      const page = await until('filtered page', () => h.posted.find((m) => m.type === 'page' && m.page.seq === 2));
      assert.ok(page.type === 'page');
      assert.deepEqual(
        page.page.items.map((i) => i.line),
        [2, 5, 6, 7],
      );
    } finally {
      h.session.dispose();
    }
  });

  it('a page far beyond the lines counted so far comes at once, approximately numbered, then again numbered exactly', async () => {
    const big = join(dir, 'big.jsonl');
    await writeSyntheticDataset(big, { lines: 20_000, journal: true });
    // The count stops at its first report (8 MB) and is declared done when the test says.
    const index = new LineIndex();
    const stop = new AbortController();
    await index.build(big, { totalBytes: statSync(big).size, signal: stop.signal, onProgress: () => stop.abort() }).catch(() => undefined);
    let counted!: (i: LineIndex) => void;
    const indexed = new Promise<LineIndex>((r) => (counted = r));
    const h = harness(big, (f, o) => DatasetPager.open(f, { ...o, index, indexed }));
    try {
      await h.send({ type: 'ready' });
      await h.send({ type: 'query', seq: 1, query: {} });
      await h.send({ type: 'page', seq: 1, start: 18_000 });
      const approx = await until('the sought page', () => h.posted.find((m) => m.type === 'page' && m.page.start === 18_000));
      assert.ok(approx.type === 'page' && approx.page.approximate === true);
      const firstId = approx.page.items[0]!.kind === 'conversation' ? approx.page.items[0]!.id : undefined;
      const realLine = Number(firstId!.slice(1));
      counted(index);
      const exact = await until('the page numbered exactly', () =>
        h.posted.find((m) => m.type === 'page' && m.page.approximate === undefined && m.page.start === realLine),
      );
      assert.ok(exact.type === 'page');
      assert.equal(exact.page.items[0]!.kind === 'conversation' && exact.page.items[0]!.id, firstId, 'the same conversations');
      assert.equal(exact.page.items[0]!.line, realLine);
    } finally {
      h.session.dispose();
    }
  });

  it('says why when the file cannot be opened', async () => {
    const h = harness(join(dir, 'missing.jsonl'));
    try {
      const error = await until('error', () => h.posted.find((m) => m.type === 'error'));
      assert.ok(error.type === 'error');
      assert.match(error.error, /^cannot open missing\.jsonl: /);
    } finally {
      h.session.dispose();
    }
  });

  it("reports a dataset that is not Forge's without a journal", async () => {
    const f = join(dir, 'plain.jsonl');
    writeFileSync(
      f,
      `${JSON.stringify({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
        ],
      })}\n`,
    );
    const h = harness(f);
    try {
      await h.send({ type: 'ready' });
      const init = h.posted.find((m) => m.type === 'init');
      assert.ok(init?.type === 'init');
      assert.equal(init.init.journal, false);
    } finally {
      h.session.dispose();
    }
  });
});
