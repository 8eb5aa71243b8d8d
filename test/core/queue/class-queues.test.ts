import assert from 'node:assert/strict';
import { ClassQueues } from '../../../src/core/queue/class-queues';
import type { Priority } from '../../../src/core/queue/types';

interface J {
  id: string;
  batchId: string;
  priority: Priority;
  modelClass: string;
}

const job = (id: string, modelClass: string, priority: Priority = 'normal', batchId = modelClass): J => ({
  id,
  batchId,
  priority,
  modelClass,
});
const none = () => false;

function drain(q: ClassQueues<J>, skip: (head: J) => boolean = none): string[] {
  const ids: string[] = [];
  for (let j = q.next(skip); j; j = q.next(skip)) {
    q.take(j);
    ids.push(j.id);
  }
  return ids;
}

describe('ClassQueues', () => {
  it('offers the highest priority head across classes, round-robin between classes of equal priority', () => {
    const q = new ClassQueues<J>();
    for (const j of [
      job('h1', 'haiku'),
      job('h2', 'haiku'),
      job('h3', 'haiku'),
      job('s1', 'sonnet'),
      job('s2', 'sonnet'),
      job('sH', 'sonnet', 'high'),
      job('hL', 'haiku', 'low'),
    ])
      q.enqueue(j);
    assert.equal(q.size, 7);
    assert.deepEqual(q.sizeByPriority(), { high: 1, normal: 5, low: 1 });
    assert.deepEqual(drain(q), ['sH', 'h1', 's1', 'h2', 's2', 'h3', 'hL']);
    assert.equal(q.size, 0);
  });

  it('skips a class whose head is ruled out; the other class goes on, in its own priority order', () => {
    const q = new ClassQueues<J>();
    for (const j of [
      job('hH', 'haiku', 'high'),
      job('h1', 'haiku'),
      job('s1', 'sonnet'),
      job('sL', 'sonnet', 'low'),
      job('sH', 'sonnet', 'high'),
    ])
      q.enqueue(j);
    const haikuBlocked = (head: J) => head.modelClass === 'haiku';
    // A blocked high-priority haiku job does not hold up normal and low sonnet work.
    assert.deepEqual(drain(q, haikuBlocked), ['sH', 's1', 'sL']);
    assert.deepEqual(drain(q), ['hH', 'h1']);
  });

  it('within a class keeps PriorityQueue order: retries first, round-robin between batches, FIFO within a batch', () => {
    const q = new ClassQueues<J>();
    for (const j of [job('a1', 'haiku', 'normal', 'A'), job('a2', 'haiku', 'normal', 'A'), job('b1', 'haiku', 'normal', 'B')]) q.enqueue(j);
    q.requeue(job('r1', 'haiku'));
    assert.deepEqual(drain(q), ['r1', 'a1', 'b1', 'a2']);
  });

  it('isHead and take follow each class head; take refuses anything else', () => {
    const q = new ClassQueues<J>();
    const [h1, h2, s1] = [job('h1', 'haiku'), job('h2', 'haiku'), job('s1', 'sonnet')];
    for (const j of [h1, h2, s1]) q.enqueue(j);
    assert.ok(q.isHead(h1) && q.isHead(s1) && !q.isHead(h2));
    assert.throws(() => q.take(h2), /Expected job `h2` to be the head of class `haiku`/);
    q.take(s1);
    assert.ok(!q.isHead(s1));
  });

  it('ids are unique across classes; remove and changePriority find a job in any class', () => {
    const q = new ClassQueues<J>();
    q.enqueue(job('x', 'haiku'));
    assert.throws(() => q.enqueue(job('x', 'sonnet')), /Expected job id `x` to be unique in the queue/);
    q.enqueue(job('s1', 'sonnet', 'normal', 'file'));
    q.enqueue(job('h1', 'haiku', 'normal', 'file'));
    assert.equal(q.changePriority({ id: 's1' }, 'high'), 1);
    assert.equal(q.next(none)?.id, 's1');
    assert.equal(q.changePriority({ batchId: 'file' }, 'low'), 2);
    assert.deepEqual(q.sizeByPriority(), { high: 0, normal: 1, low: 2 });
    assert.equal(q.changePriority({ id: 'nope' }, 'high'), 0);
    assert.throws(
      () => q.changePriority({ id: 'x' }, 'urgent' as Priority),
      /Expected `priority` to be one of `high`, `normal`, `low`, got `urgent` \(string\)/,
    );
    assert.equal(q.remove('h1')?.id, 'h1');
    assert.equal(q.remove('h1'), undefined);
    assert.deepEqual(drain(q), ['x', 's1']);
  });

  it('lists one priority interleaved by class in turn (least recently served first) and pages through it', () => {
    const q = new ClassQueues<J>();
    for (let i = 1; i <= 3; i++) q.enqueue(job(`h${i}`, 'haiku'));
    for (let i = 1; i <= 5; i++) q.enqueue(job(`s${i}`, 'sonnet'));
    q.enqueue(job('oH', 'opus', 'high'));
    assert.deepEqual(
      q.listByPriority('normal').map((j) => j.id),
      ['h1', 's1', 'h2', 's2', 'h3', 's3', 's4', 's5'],
    );
    assert.deepEqual(
      q.listByPriority('normal', { offset: 3, limit: 3 }).map((j) => j.id),
      ['s2', 'h3', 's3'],
    );
    assert.deepEqual(
      q.listByPriority('high').map((j) => j.id),
      ['oH'],
    );
    // haiku was just served, so sonnet leads the listing, as it would lead dispatch.
    q.take(q.next((head) => head.modelClass !== 'haiku')!);
    assert.deepEqual(
      q.listByPriority('normal', { limit: 4 }).map((j) => j.id),
      ['s1', 'h2', 's2', 'h3'],
    );
    assert.deepEqual(drain(q).slice(0, 5), ['oH', 's1', 'h2', 's2', 'h3']);
    assert.throws(() => q.listByPriority('normal', { offset: -1 }), /Expected `offset` to be an integer from 0 and up/);
  });
});
