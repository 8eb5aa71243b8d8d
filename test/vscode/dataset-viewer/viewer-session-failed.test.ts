import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isViewerHostMessage, VIEWER_PAGE_SIZE, type ViewerHostMessage } from '../../../src/protocol';
import { writeSyntheticDataset } from '../../support/synthetic-dataset';
import { harness, until } from './session-harness';

const FIXTURE = join(__dirname, '../../webview/fixtures/failed-validation.failed.jsonl');
const time = '2026-01-02T00:00:00.000Z';
const failureLine = (i: number) =>
  `${JSON.stringify({
    id: `c${i}`,
    index: i,
    sourceFile: 'f.forge.yaml',
    kind: 'invalid_output',
    reason: `message 2 is a refusal`,
    attempts: 2,
    time,
    rejected: {
      messages: [
        { role: 'user', content: `question ${i}` },
        { role: 'assistant', content: "I can't help with that." },
      ],
      rule: 'refusal',
      messageIndex: 1,
    },
  })}\n`;

const pageOf = (posted: ViewerHostMessage[], seq: number, start: number) =>
  posted.find((m) => m.type === 'page' && m.page.seq === seq && m.page.start === start);

describe('dataset viewer session: the failed-validation view (host side)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'forge-session-failed-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sends the count after init, and the failures as pages of failed items that pass the protocol guard', async () => {
    const file = join(dir, 'd.jsonl');
    await writeSyntheticDataset(file, { lines: 30, journal: true });
    copyFileSync(FIXTURE, join(dir, 'd.failed.jsonl'));
    const h = harness(file);
    try {
      await h.send({ type: 'ready' });
      const failures = await until('failures', () => h.posted.find((m) => m.type === 'failures'));
      assert.deepEqual(failures, { type: 'failures', failures: { count: 4 } });
      await h.send({ type: 'query', seq: 1, query: { failed: true } });
      const page = await until('page', () => pageOf(h.posted, 1, 0));
      assert.ok(page.type === 'page');
      assert.equal(page.page.filtered, true);
      assert.equal(page.page.total, 4);
      assert.deepEqual(
        page.page.items.map((i) => (i.kind === 'failed' ? [i.id, i.rule, i.messageIndex, i.turns?.length] : i.kind)),
        [
          ['support-0002', 'refusal', 3, 4],
          ['support-0004', 'stop_reason', undefined, 1],
          ['support-0003', 'unreadable', undefined, 1],
          ['support-0005', undefined, undefined, undefined],
        ],
      );
      // What the webview accepts: every message the session sent passes the shared guard.
      for (const m of h.posted) assert.ok(isViewerHostMessage(m), JSON.stringify(m).slice(0, 200));
      const scan = h.posted.filter((m) => m.type === 'scan' && m.scan.seq === 1).at(-1);
      assert.ok(scan?.type === 'scan' && scan.scan.state === 'done' && scan.scan.matches === 4);
    } finally {
      h.session.dispose();
    }
  });

  it('pages a failures file larger than a page, and says which lines it could not read', async () => {
    const file = join(dir, 'd.jsonl');
    await writeSyntheticDataset(file, { lines: 10, journal: true });
    const failed = join(dir, 'd.failed.jsonl');
    for (let i = 0; i < 60; i++) appendFileSync(failed, failureLine(i) + (i === 30 ? 'garbage\n' : ''));
    const h = harness(file);
    try {
      await h.send({ type: 'ready' });
      await h.send({ type: 'query', seq: 1, query: { failed: true } });
      await until('page', () => pageOf(h.posted, 1, 0));
      const notice = h.posted.find((m) => m.type === 'notice');
      assert.deepEqual(notice, {
        type: 'notice',
        notice: 'd.failed.jsonl: line 32 is not a failure record (was the file edited?) and is not shown.',
      });
      await h.send({ type: 'page', seq: 1, start: 2 * VIEWER_PAGE_SIZE });
      const last = pageOf(h.posted, 1, 2 * VIEWER_PAGE_SIZE);
      assert.ok(last?.type === 'page');
      assert.equal(last.page.total, 60);
      assert.deepEqual(
        last.page.items.map((i) => (i.kind === 'failed' ? i.id : i.kind)),
        Array.from({ length: 10 }, (_, i) => `c${50 + i}`),
      );
    } finally {
      h.session.dispose();
    }
  });

  it('a dataset without a failures file: the filter is off with the reason, and the view is empty', async () => {
    const file = join(dir, 'd.jsonl');
    await writeSyntheticDataset(file, { lines: 10, journal: true });
    const h = harness(file);
    try {
      await h.send({ type: 'ready' });
      const failures = await until('failures', () => h.posted.find((m) => m.type === 'failures'));
      assert.deepEqual(failures, {
        type: 'failures',
        failures: { count: 0, unavailable: 'no d.failed.jsonl beside the dataset: no conversation failed validation' },
      });
      await h.send({ type: 'query', seq: 1, query: { failed: true } });
      const page = await until('page', () => pageOf(h.posted, 1, 0));
      assert.ok(page.type === 'page');
      assert.deepEqual([page.page.total, page.page.items], [0, []]);
    } finally {
      h.session.dispose();
    }
  });

  it('a failures file with other failures only: the filter is off and says so', async () => {
    const file = join(dir, 'd.jsonl');
    await writeSyntheticDataset(file, { lines: 10, journal: true });
    appendFileSync(
      join(dir, 'd.failed.jsonl'),
      `${JSON.stringify({ id: 'c1', index: 1, sourceFile: 'f', kind: 'timeout', reason: 'timeout', attempts: 3, time })}\n`,
    );
    const h = harness(file);
    try {
      await h.send({ type: 'ready' });
      const failures = await until('failures', () => h.posted.find((m) => m.type === 'failures'));
      assert.ok(failures.type === 'failures');
      assert.equal(failures.failures.count, 0);
      assert.match(failures.failures.unavailable ?? '', /no conversation failed validation \(d\.failed\.jsonl lists other failures only\)/);
    } finally {
      h.session.dispose();
    }
  });
});
