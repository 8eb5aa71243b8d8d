import assert from 'node:assert/strict';
import type { FailedEntry } from '../../../../src/core/generate/output';
import { specIdAt } from '../../../../src/core/generate/prompt-file';
import { BatchPlan } from '../../../../src/core/generate/run/batch-plan';
import type { PromptFile } from '../../../../src/core/generate/types';
import { promptFileOf } from './fixtures';
import { resolveModel } from '../../../../src/core/models';
import { moveJob } from '../../../../src/core/queue/transitions';

/** What a plan asks of a dataset: its done ids and its failures. */
function datasetWith(file: PromptFile, done: number[], failed: number[]) {
  const doneIds = new Set(done.map((i) => specIdAt(file, i)));
  const failures = new Map(failed.map((i) => [specIdAt(file, i), { id: specIdAt(file, i), index: i } as FailedEntry]));
  return {
    isDone: (id: string) => doneIds.has(id),
    failed: () => failures,
    versionsOf: () => new Map([[file.promptHash, done.length]]),
    unversioned: () => [],
  };
}

const HAIKU = resolveModel('claude-haiku-5-5')!;

/** A plan of `count` conversations of which none is done yet. */
function freshPlan(count: number): BatchPlan {
  const file = promptFileOf('plan', count);
  return new BatchPlan(file, HAIKU, datasetWith(file, [], []), false);
}

describe('BatchPlan (lazy planning over a prompt file index space)', () => {
  it('skips what the dataset holds and what failed before (unless retried), and counts both', () => {
    const file = promptFileOf('plan', 10);
    const plan = new BatchPlan(file, HAIKU, datasetWith(file, [0, 1], [2]), false);
    assert.deepEqual([plan.todo, plan.skippedDone, plan.skippedFailed, plan.pending], [7, 2, 1, 7]);
    const retry = new BatchPlan(file, HAIKU, datasetWith(file, [0, 1], [2]), true);
    assert.deepEqual([retry.todo, retry.skippedFailed], [8, 0]);
  });

  it('makes jobs a window at a time, in index order, and none twice', () => {
    const file = promptFileOf('plan', 10);
    const plan = new BatchPlan(file, HAIKU, datasetWith(file, [0, 4], []), false);
    const first = plan.take(3, 0);
    assert.deepEqual(
      first.map((j) => j.data.spec.index),
      [1, 2, 3],
    );
    assert.equal(first[0]!.id, specIdAt(file, 1));
    assert.deepEqual(
      plan.take(10, 0).map((j) => j.data.spec.index),
      [5, 6, 7, 8, 9],
    );
    assert.deepEqual([plan.pending, plan.liveCount], [0, 8]);
    assert.deepEqual(plan.take(10, 0), []);
  });

  it('lets a finished job go and keeps only its outcome; pages are made on demand', () => {
    const file = promptFileOf('plan', 6);
    const plan = new BatchPlan(file, HAIKU, datasetWith(file, [], []), false);
    const [a, b] = plan.take(2, 0);
    moveJob(a!, 'running');
    moveJob(a!, 'succeeded');
    plan.finish(a!);
    moveJob(b!, 'running');
    moveJob(b!, 'failed');
    plan.finish(b!);
    assert.equal(plan.liveCount, 0);
    assert.deepEqual(plan.liveJobs(), []);
    assert.deepEqual([plan.count(), plan.count('succeeded'), plan.count('failed'), plan.count('queued')], [6, 1, 1, 4]);
    const [succeeded] = plan.page(0, 10, 'succeeded', 0);
    assert.equal(succeeded!.id, a!.id);
    assert.equal(succeeded!.state, 'succeeded');
    assert.notEqual(succeeded, a, 'the finished job itself is not kept');
    assert.deepEqual(
      plan.page(1, 2, undefined, 0).map((j) => [j.data.spec.index, j.state]),
      [
        [1, 'failed'],
        [2, 'queued'],
      ],
    );
  });

  it('samples what is left evenly, one from each run of conversations, each standing for its share', () => {
    const plan = freshPlan(1000);
    const { specs, weight } = plan.sample(100);
    assert.equal(specs.length, 100);
    assert.equal(weight, 10);
    specs.forEach((s, n) => assert.ok(s.index >= n * 10 && s.index < (n + 1) * 10, `sample ${n} is conversation ${s.index}`));
    assert.deepEqual(
      plan.sample(100).specs.map((s) => s.index),
      specs.map((s) => s.index),
      'the same plan gives the same sample',
    );
  });

  it('does not alias with the values: a step of 3 over three topics still sees all three', () => {
    // The fixture's one variable has three values and the last variable cycles fastest: a sample of
    // every third conversation would only ever see the first topic.
    const plan = freshPlan(3000);
    const { specs, weight } = plan.sample(1000);
    assert.equal(specs.length, 1000);
    assert.equal(weight, 3);
    const byTopic = new Map<string, number>();
    for (const s of specs) byTopic.set(s.variables.topic!, (byTopic.get(s.variables.topic!) ?? 0) + 1);
    assert.equal(byTopic.size, 3, [...byTopic.keys()].join(' | '));
    for (const [topic, n] of byTopic) assert.ok(n > 250 && n < 420, `${topic}: ${n} of 1,000`);
  });

  it('covers the last, shorter run of conversations and samples no more than asked', () => {
    const plan = freshPlan(1001);
    const { specs, weight } = plan.sample(100);
    // A step of 11 (1,001 / 100 rounded up): 1,001 = 91 × 11, so 91 runs of 11.
    assert.equal(specs.length, 91);
    assert.ok(Math.abs(weight * specs.length - 1001) < 1e-9);
    assert.ok(specs.at(-1)!.index >= 990);
    const last = freshPlan(1005).sample(100).specs;
    // 1,005 = 91 × 11 + 4: the 92nd run holds 4 conversations, and its pick is one of them.
    assert.equal(last.length, 92);
    assert.ok(last.at(-1)!.index >= 1001 && last.at(-1)!.index <= 1004, String(last.at(-1)!.index));
  });
});
