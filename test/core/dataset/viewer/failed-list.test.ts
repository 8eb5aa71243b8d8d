import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failedPage, failuresFileOf, listFailed } from '../../../../src/core/dataset/viewer/failed-list';

const time = '2026-01-02T00:00:00.000Z';
const failure = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  index: Number(id.replace(/\D/g, '')) || 0,
  sourceFile: 'f.forge.yaml',
  kind: 'invalid_output',
  reason: `invalid output: ${id} was turned down`,
  attempts: 3,
  time,
  ...extra,
});
const text = (...contents: string[]) => ({
  rejected: { messages: contents.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', content })), rule: 'refusal', messageIndex: 1 },
});
const jsonl = (values: object[]) => values.map((v) => `${JSON.stringify(v)}\n`).join('');

describe('failed list (the failures file, as the viewer pages it)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'forge-failed-list-'));
    file = join(dir, 'x.failed.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the last line of each id, only validation failures, in the order of those lines', async () => {
    writeFileSync(
      file,
      jsonl([
        failure('c1'),
        failure('c2', { kind: 'timeout' }),
        failure('c3', text('hi', 'no')),
        failure('c1', { reason: 'again', ...text('a', 'b') }),
        failure('c4', { kind: 'server' }),
        failure('c4'), // failed validation after all: shown
      ]),
    );
    const list = await listFailed(file, {});
    assert.deepEqual(list.lines, [3, 4, 6]);
    assert.deepEqual(list.unreadable, []);
    const items = await failedPage(list, 0, 25);
    assert.deepEqual(
      items.map((i) => [i.id, i.line, i.reason, i.turns?.length]),
      [
        ['c3', 3, 'invalid output: c3 was turned down', 2],
        ['c1', 4, 'again', 2],
        ['c4', 6, 'invalid output: c4 was turned down', undefined],
      ],
    );
    assert.deepEqual(items[0], {
      kind: 'failed',
      line: 3,
      id: 'c3',
      index: 3,
      sourceFile: 'f.forge.yaml',
      errorKind: 'invalid_output',
      reason: 'invalid output: c3 was turned down',
      attempts: 3,
      time,
      turns: [
        { role: 'user', content: 'hi', cut: 0 },
        { role: 'assistant', content: 'no', cut: 0 },
      ],
      rule: 'refusal',
      messageIndex: 1,
    });
  });

  it('pages a large file by position, reading only the page', async () => {
    writeFileSync(file, jsonl(Array.from({ length: 130 }, (_, i) => failure(`c${i}`, text(`question ${i}`, `answer ${i}`)))));
    const list = await listFailed(file, {});
    assert.equal(list.lines.length, 130);
    const last = await failedPage(list, 125, 25);
    assert.deepEqual(
      last.map((i) => i.id),
      ['c125', 'c126', 'c127', 'c128', 'c129'],
    );
    assert.equal((await failedPage(list, 50, 25))[0]!.turns![1]!.content, 'answer 50');
    assert.deepEqual(await failedPage(list, 130, 25), []);
  });

  it('matches text in the messages, the reason and the id, and the message counts of the kept text', async () => {
    writeFileSync(file, jsonl([failure('c1', text('tyres', 'ok')), failure('c2', text('chains', 'ok', 'more')), failure('c3')]));
    assert.deepEqual((await listFailed(file, { text: 'TYRES' })).lines, [1]);
    assert.deepEqual((await listFailed(file, { text: 'c3 was' })).lines, [3]);
    assert.deepEqual((await listFailed(file, { minTurns: 3 })).lines, [2], 'a line without text has no message count');
  });

  it('names the lines that are not failure records; a bad last line (a crash) is not one of them', async () => {
    writeFileSync(file, jsonl([failure('c1')]) + 'not json\n' + jsonl([failure('c2')]));
    appendFileSync(file, '{"id":"c3","ind');
    const list = await listFailed(file, {});
    assert.deepEqual(list.lines, [1, 3]);
    assert.deepEqual(list.unreadable, [2]);
  });

  it('says why there is nothing to show when the dataset has no failures file', () => {
    assert.deepEqual(failuresFileOf(join(dir, 'x.jsonl')), {
      unavailable: 'no x.failed.jsonl beside the dataset: no conversation failed validation',
    });
    writeFileSync(file, '');
    assert.deepEqual(failuresFileOf(join(dir, 'x.jsonl')), { file });
  });
});
