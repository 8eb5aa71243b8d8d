import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { systemClock } from '../../../src/core/clock';
import { DuplicatePrep } from '../../../src/core/dataset/duplicate-prep';
import { markNewDuplicates } from '../../../src/core/dataset/mark-new-duplicates';
import { openDataset } from '../../../src/core/generate/output/dataset-writer';
import { loadPromptFile } from '../../../src/core/generate/prompt-file';
import { GenerationRun } from '../../../src/core/generate/run/generation-run';
import { modelLookup } from '../../../src/engine';
import { FakeCaller } from '../../support/fake-caller';
import { FakeLimiter } from '../../support/fake-limiter';
import { metaFor, tempDir } from '../generate/output/helpers';

const TOPICS = ['tides', 'gravity', 'fractions', 'volcanoes', 'bread', 'trains'];

function conversation(topic: string): object {
  return {
    messages: [
      { role: 'user', content: `Tell me something surprising about ${topic}, please, in a few sentences` },
      {
        role: 'assistant',
        content: `Here is something about ${topic}: people who study ${topic} for years still find new questions about ${topic} every season, and the answers keep changing what we know.`,
      },
    ],
  };
}

/** Writes the records as a run does, telling `prep` (when given) about each line written. */
async function write(
  file: string,
  records: readonly object[],
  prep?: DuplicatePrep,
  place = (p: { id: string; offset: number; length: number }) => p,
) {
  const writer = await openDataset({ datasetPath: file, fsync: 'never' });
  for (const [i, record] of records.entries()) {
    const id = `c${i}`;
    const result = await writer.append(record, { ...metaFor(id, i), promptHash: 'h'.repeat(64), batch: 'b' });
    if (result.status === 'written') prep?.note(file, place({ id, offset: result.offset, length: result.length }), record);
  }
  await writer.close();
}

const pairs = (found: readonly { id: string; of: string; exact: boolean; similarity: number }[]) =>
  found.map((f) => [f.id, f.of, f.exact, f.similarity]);

describe('DuplicatePrep: the marking after a run, prepared while it writes', () => {
  let t: ReturnType<typeof tempDir>;
  // Every topic twice, the second copy with one word changed, and one exact copy: duplicates of each kind.
  const records = [
    ...TOPICS.map(conversation),
    ...TOPICS.map((topic) => {
      const c = conversation(topic) as { messages: { content: string }[] };
      c.messages[1]!.content = c.messages[1]!.content.replace('season', 'year');
      return c;
    }),
    conversation('bread'),
  ];
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('a marking that takes the prepared conversations finds exactly what one that reads them finds', async () => {
    const prep = new DuplicatePrep(0.8);
    await write(t.file('with.jsonl'), records, prep);
    await write(t.file('without.jsonl'), records);
    assert.equal(prep.size, records.length);
    const withPrep = await markNewDuplicates([t.file('with.jsonl')], 0.8, undefined, [prep]);
    const without = await markNewDuplicates([t.file('without.jsonl')], 0.8);
    assert.equal(withPrep.prepared, records.length, 'none read back and prepared again');
    assert.equal(without.prepared, 0);
    assert.ok(without.search.found.length >= 7, 'the near copies and the exact one are found');
    assert.deepEqual(pairs(withPrep.search.found), pairs(without.search.found));
    assert.equal(withPrep.marked, without.marked);
    assert.equal(prep.size, 0, 'what the marking took is released');
  });

  it('is not used at another threshold, nor for a line that is not the one it prepared; the marking prepares those itself', async () => {
    const other = new DuplicatePrep(0.7);
    const shifted = new DuplicatePrep(0.8);
    await write(t.file('a.jsonl'), records, other);
    await write(t.file('b.jsonl'), records, shifted, (p) => (p.id === 'c3' ? { ...p, id: 'c99' } : p));
    await write(t.file('c.jsonl'), records);
    const a = await markNewDuplicates([t.file('a.jsonl')], 0.8, undefined, [other]);
    const b = await markNewDuplicates([t.file('b.jsonl')], 0.8, undefined, [shifted]);
    const c = await markNewDuplicates([t.file('c.jsonl')], 0.8);
    assert.equal(a.prepared, 0);
    assert.equal(other.size, records.length, 'left as it was');
    assert.equal(b.prepared, records.length - 1, 'the record whose id does not match is read instead');
    assert.deepEqual(pairs(a.search.found), pairs(c.search.found));
    assert.deepEqual(pairs(b.search.found), pairs(c.search.found));
  });

  it('holds at most its capacity, and nothing for a record that is not a conversation', async () => {
    const prep = new DuplicatePrep(0.8, 5);
    prep.note(t.file('x.jsonl'), { id: 'x', offset: 0, length: 10 }, { text: 'not a conversation' });
    const hostile = {
      get messages(): never {
        throw new Error('unreadable');
      },
    };
    // It runs after the record is committed: a record it cannot read must not fail that commit.
    assert.doesNotThrow(() => prep.note(t.file('x.jsonl'), { id: 'y', offset: 10, length: 10 }, hostile));
    assert.equal(prep.size, 0);
    await write(t.file('d.jsonl'), records, prep);
    await write(t.file('e.jsonl'), records);
    assert.equal(prep.size, 5);
    const d = await markNewDuplicates([t.file('d.jsonl')], 0.8, undefined, [prep]);
    const e = await markNewDuplicates([t.file('e.jsonl')], 0.8);
    assert.equal(d.prepared, 5);
    assert.deepEqual(pairs(d.search.found), pairs(e.search.found));
  });

  it('keeps shingle sets up to its byte budget, and the marking finds the same with or without them', async () => {
    const probe = new DuplicatePrep(0.8);
    probe.note('probe', { id: 'p', offset: 0, length: 1 }, records[0]!);
    const oneSet = probe.take('probe', { id: 'p', offset: 0, length: 1 })!.set!.byteLength;
    const prep = new DuplicatePrep(0.8, 100, oneSet * 2);
    const places: { id: string; offset: number; length: number }[] = [];
    await write(t.file('f.jsonl'), records.slice(0, 3), prep, (p) => (places.push(p), p));
    assert.deepEqual(
      places.map((p) => prep.take(t.file('f.jsonl'), p)?.set !== undefined),
      [true, true, false],
      'two sets fit the budget; the third is read again if needed',
    );
    const none = new DuplicatePrep(0.8, 100, 0);
    await write(t.file('g.jsonl'), records, none);
    await write(t.file('h.jsonl'), records);
    const g = await markNewDuplicates([t.file('g.jsonl')], 0.8, undefined, [none]);
    const h = await markNewDuplicates([t.file('h.jsonl')], 0.8);
    assert.equal(g.prepared, records.length);
    assert.deepEqual(pairs(g.search.found), pairs(h.search.found));
  });

  it('a run given one prepares every conversation it writes, and its marking reads none back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-prep-'));
    try {
      const file = path.join(dir, 'tides.forge.yaml');
      fs.writeFileSync(
        file,
        'name: tides\nmodel: claude-haiku-5-5\ncount: 12\nturns: 2\nstrategy: single\nprompt: Write a short exchange about tides.\noutput:\n  path: out/tides.jsonl\n',
      );
      const parsed = await loadPromptFile(file, { workspaceRoot: dir, ...modelLookup() });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
      let n = 0;
      const caller = new FakeCaller();
      caller.send = async (request) => ({
        // Half the answers repeat one another.
        text: JSON.stringify(conversation(n++ % 2 === 0 ? 'tides' : TOPICS[n % TOPICS.length]! + n)),
        stopReason: 'end_turn',
        usage: { inputTokens: 10, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
        headers: { get: () => null },
        model: request.model,
      });
      const prep = new DuplicatePrep();
      const run = await GenerationRun.open([parsed.file], {
        clock: systemClock,
        caller,
        limiter: new FakeLimiter(systemClock),
        fsync: 'never',
        duplicatePrep: prep,
      });
      const summary = await run.start();
      await run.close();
      assert.equal(summary.generated, 12);
      assert.equal(prep.size, 12);
      const marking = await markNewDuplicates(
        summary.datasets.map((d) => d.path),
        prep.threshold,
        undefined,
        [prep],
      );
      assert.equal(marking.compared, 12);
      assert.equal(marking.prepared, 12);
      assert.equal(marking.search.found.length, 5, 'the repeats after the first are found');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
