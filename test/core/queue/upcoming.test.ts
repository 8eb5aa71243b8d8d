import assert from 'node:assert/strict';
import { ClassQueues } from '../../../src/core/queue/class-queues';
import { PriorityQueue } from '../../../src/core/queue/priority-queue';
import type { Priority } from '../../../src/core/queue/types';

interface J {
  id: string;
  batchId: string;
  priority: Priority;
  modelClass: string;
  left: number;
}

/** A deterministic mix: fresh jobs in three batches, requeued ones with 1–4 steps left, some removed. */
function mixed(seed: number, mayStart: () => boolean): { q: PriorityQueue<J>; all: J[] } {
  let x = seed;
  const rand = (n: number) => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    // the high bits: an LCG's low bits repeat with a short period
    return (x >>> 16) % n;
  };
  const q = new PriorityQueue<J>({ stepsLeft: (j) => j.left, mayStart });
  const all: J[] = [];
  for (let i = 0; i < 120; i++) {
    const j: J = {
      id: `j${i}`,
      batchId: `b${rand(3)}`,
      priority: (['high', 'normal', 'low'] as const)[rand(3)]!,
      modelClass: 'sonnet',
      left: 1 + rand(4),
    };
    all.push(j);
    if (rand(2) === 0) q.requeue(j);
    else q.enqueue(j);
  }
  for (let i = 0; i < 30; i++) q.remove(`j${rand(120)}`);
  return { q, all };
}

/** What dequeue takes while the head's priority lasts, at most `max`: the order upcoming must predict. */
function taken(q: PriorityQueue<J>, max: number): string[] {
  const head = q.peek();
  const ids: string[] = [];
  while (ids.length < max) {
    const next = q.peek();
    if (!next || next.priority !== head?.priority) break;
    ids.push(q.dequeue()!.id);
  }
  return ids;
}

/**
 * upcoming(): the jobs a class would dequeue next, predicted without taking them, so one batched
 * admit can serve several launches (dispatch-loop.ts). A wrong prediction costs a permit handed
 * back, so it must match the real order whenever the chain policy's answer does not change.
 */
describe('queue: upcoming jobs, predicted without taking them', () => {
  for (const [name, mayStart] of [
    ['chains may start', () => true],
    ['chains may not start', () => false],
  ] as const) {
    it(`matches what dequeue then takes, across retries, batches, removals and priorities (${name})`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        for (const max of [1, 5, 16, 200]) {
          const predicted = mixed(seed, mayStart)
            .q.upcoming(max)
            .map((j) => j.id);
          const actual = taken(mixed(seed, mayStart).q, max);
          assert.deepEqual(predicted, actual, `seed ${seed}, max ${max}`);
        }
      }
    });
  }

  it('leaves the queue as it was', () => {
    const { q } = mixed(7, () => true);
    const sizes = q.sizeByPriority();
    const before = q.upcoming(500).map((j) => j.id);
    q.upcoming(16);
    assert.deepEqual(
      q.upcoming(500).map((j) => j.id),
      before,
    );
    assert.deepEqual(q.sizeByPriority(), sizes);
    assert.equal(q.dequeue()?.id, before[0]);
  });

  it('ClassQueues: the head and its own class only; a job that is not the head gets itself alone', () => {
    const cq = new ClassQueues<J>();
    const job = (id: string, modelClass: string): J => ({ id, batchId: 'b', priority: 'normal', modelClass, left: 1 });
    for (let i = 0; i < 5; i++) {
      cq.enqueue(job(`s${i}`, 'sonnet'));
      cq.enqueue(job(`h${i}`, 'haiku'));
    }
    const head = cq.next(() => false)!;
    assert.deepEqual(
      cq.upcoming(head, 3).map((j) => j.id),
      head.modelClass === 'sonnet' ? ['s0', 's1', 's2'] : ['h0', 'h1', 'h2'],
    );
    const notHead: J = job('s3', 'sonnet');
    assert.deepEqual(cq.upcoming(notHead, 3), [notHead]);
  });
});
