import assert from 'node:assert/strict';
import { ChainBudget } from '../../../src/core/queue/chain-budget';
import { PriorityQueue, type ChainPolicy } from '../../../src/core/queue/priority-queue';
import type { Priority } from '../../../src/core/queue/types';
import { makeJob } from './helpers';

interface J {
  id: string;
  batchId: string;
  priority: Priority;
  left: number;
}

const job = (id: string, left: number, priority: Priority = 'normal'): J => ({ id, batchId: 'a', priority, left });

function policy(mayStart: () => boolean = () => true): ChainPolicy<J> {
  return { stepsLeft: (j) => j.left, mayStart };
}

function drain(q: PriorityQueue<J>): string[] {
  const ids: string[] = [];
  for (let j = q.peek(); j; j = q.peek()) {
    // peek and dequeue agree, whatever the policy says
    assert.equal(q.dequeue(), j);
    ids.push(j.id);
  }
  return ids;
}

describe('chain-aware order', () => {
  it('continued conversations go longest remaining chain first, FIFO among equals', () => {
    const q = new PriorityQueue<J>(policy());
    q.requeue(job('one-left', 1));
    q.requeue(job('three-left', 3));
    q.requeue(job('two-left-a', 2));
    q.requeue(job('two-left-b', 2));
    assert.deepEqual(drain(q), ['three-left', 'two-left-a', 'two-left-b', 'one-left']);
  });

  it('a fresh conversation (the longest chain) starts ahead of continued ones while chains may start', () => {
    let may = true;
    const q = new PriorityQueue<J>(policy(() => may));
    q.enqueue(job('fresh-1', 4));
    q.enqueue(job('fresh-2', 4));
    q.requeue(job('cont', 3));
    assert.equal(q.peek()?.id, 'fresh-1');
    may = false;
    // Enough in progress: the continued one first, fresh work only when nothing else waits.
    assert.deepEqual(drain(q), ['cont', 'fresh-1', 'fresh-2']);
  });

  it('priorities still come first; a retried fresh job still goes before new ones of equal length', () => {
    const q = new PriorityQueue<J>(policy());
    q.enqueue(job('low-fresh', 4, 'low'));
    q.enqueue(job('fresh', 4));
    q.requeue(job('retried-first-step', 4));
    q.requeue(job('high-cont', 1, 'high'));
    assert.deepEqual(drain(q), ['high-cont', 'retried-first-step', 'fresh', 'low-fresh']);
  });

  it('lists requeued work in the order it will go', () => {
    const q = new PriorityQueue<J>(policy());
    q.requeue(job('a', 1));
    q.requeue(job('b', 3));
    q.requeue(job('c', 2));
    assert.deepEqual(
      q.listByPriority('normal').map((j) => j.id),
      ['b', 'c', 'a'],
    );
  });

  describe('ChainBudget', () => {
    const chain = (id: string, steps: number) => {
      const j = makeJob(id);
      j.next = { ...j.next, stepsLeft: steps };
      return j;
    };

    it('lets slots × steps chains be in progress, then holds new ones until one ends', () => {
      const budget = new ChainBudget<null>(() => 2);
      const jobs = Array.from({ length: 9 }, (_, i) => chain(`c${i}`, 4));
      for (const j of jobs.slice(0, 8)) {
        assert.ok(budget.mayStart(j));
        budget.taken(j);
      }
      assert.equal(budget.mayStart(jobs[8]!), false);
      // c0 reaches its last step: it no longer counts.
      jobs[0]!.next = { ...jobs[0]!.next, stepsLeft: 1 };
      budget.taken(jobs[0]!);
      assert.ok(budget.mayStart(jobs[8]!));
    });

    it('a chain that failed midway closes, and single requests are never held', () => {
      const budget = new ChainBudget<null>(() => 1);
      const a = chain('a', 2);
      budget.taken(a);
      budget.taken(chain('b', 2));
      assert.equal(budget.mayStart(chain('c', 2)), false);
      a.state = 'failed';
      assert.ok(budget.mayStart(chain('c', 2)));
      assert.ok(budget.mayStart(makeJob('single')));
    });
  });
});
