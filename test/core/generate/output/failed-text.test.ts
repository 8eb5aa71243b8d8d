import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { openDataset } from '../../../../src/core/generate/output/dataset-writer';
import { capText, keepRejected, MAX_KEPT_CHARS, MAX_KEPT_MESSAGES } from '../../../../src/core/generate/output/failed-text';
import { parseFailedEntry } from '../../../../src/core/generate/output/journal';
import { planResume } from '../../../../src/core/generate/output/resume';
import type { ConversationSpec } from '../../../../src/core/generate/types';
import type { FailedEntry } from '../../../../src/core/generate/output/types';
import { lines, tempDir } from './helpers';

const base = {
  id: 'a',
  index: 0,
  sourceFile: 'f.forge.yaml',
  kind: 'invalid_output',
  reason: 'message 2 is a refusal',
  attempts: 3,
} as const;
const rejected = {
  messages: [
    { role: 'user' as const, content: 'Can you help with my tyre?' },
    { role: 'assistant' as const, content: "I'm sorry, but I can't help with that." },
  ],
  rule: 'refusal' as const,
  messageIndex: 1,
};

describe('the failures file keeps the rejected text', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('writes the messages, the rule and the message index of the last rejected attempt', async () => {
    const w = await openDataset({ datasetPath: t.file('x.jsonl'), fsync: 'never' });
    await w.recordFailure({ ...base, rejected });
    await w.close();
    const line = JSON.parse(lines(t.file('x.failed.jsonl'))[0]!) as FailedEntry;
    assert.deepEqual(line.rejected, rejected);
    assert.deepEqual(parseFailedEntry(line)?.rejected, rejected);
  });

  it('caps each message with a marker that says how long it was, and the number of messages', () => {
    const long = 'x'.repeat(MAX_KEPT_CHARS + 5_000);
    assert.equal(capText(long), `${'x'.repeat(MAX_KEPT_CHARS)}… (truncated, 13,000 chars)`);
    assert.equal(capText('short'), 'short');
    const many = Array.from({ length: MAX_KEPT_MESSAGES + 3 }, (_, i) => ({ role: 'user' as const, content: `m${i}` }));
    const kept = keepRejected({ messages: many, rule: 'message_count' });
    assert.equal(kept.messages.length, MAX_KEPT_MESSAGES);
    assert.equal(kept.omittedMessages, 3);
    assert.equal(kept.rule, 'message_count');
  });

  it('a runaway response costs the file at most the cap per message', async () => {
    const w = await openDataset({ datasetPath: t.file('x.jsonl'), fsync: 'never' });
    const runaway = 'word '.repeat(100_000);
    await w.recordFailure({ ...base, rejected: { messages: [{ role: 'assistant', content: runaway }], raw: true, rule: 'stop_reason' } });
    await w.close();
    const size = fs.statSync(t.file('x.failed.jsonl')).size;
    assert.ok(size < MAX_KEPT_CHARS + 1_000, `${size} bytes`);
    const entry = parseFailedEntry(JSON.parse(lines(t.file('x.failed.jsonl'))[0]!));
    assert.match(entry!.rejected!.messages[0]!.content, /… \(truncated, 500,000 chars\)$/);
    assert.equal(entry!.rejected!.raw, true);
  });

  it('reads lines written before the text was kept, and drops a text it cannot read rather than the failure', () => {
    const old = { ...base, time: '2026-01-01T00:00:00.000Z' };
    assert.deepEqual(parseFailedEntry(old), old);
    const odd = parseFailedEntry({ ...old, rejected: { messages: [{ role: 'narrator', content: 1 }] } });
    assert.deepEqual(odd, old, 'the failure is kept, without the text');
  });

  it('the writer keeps no text in memory, and resume still skips the failed ids after reopen', async () => {
    const datasetPath = t.file('x.jsonl');
    const w = await openDataset({ datasetPath, fsync: 'never' });
    await w.recordFailure({ ...base, rejected });
    assert.equal(w.failed().get('a')!.rejected, undefined);
    await w.close();
    const again = await openDataset({ datasetPath, fsync: 'never' });
    assert.deepEqual([...again.failed().keys()], ['a']);
    assert.equal(again.failed().get('a')!.rejected, undefined);
    assert.equal(again.failed().get('a')!.reason, base.reason);
    const plan = planResume([{ id: 'a' }, { id: 'b' }] as ConversationSpec[], again, { retryFailed: false });
    assert.deepEqual([plan.todo.map((s) => s.id), plan.skippedFailed], [['b'], 1]);
    await again.close();
  });
});
