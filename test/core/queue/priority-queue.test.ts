import assert from 'node:assert/strict';
import { PriorityQueue } from '../../../src/core/queue/priority-queue';
import type { Priority } from '../../../src/core/queue/types';

interface J {
  id: string;
  batchId: string;
  priority: Priority;
}

const job = (id: string, priority: Priority = 'normal', batchId = 'a'): J => ({ id, batchId, priority });

function drain(q: PriorityQueue<J>): string[] {
  const ids: string[] = [];
  for (let j = q.dequeue(); j; j = q.dequeue()) ids.push(j.id);
  return ids;
}

describe('PriorityQueue', () => {
  it('dequeues high before normal before low, FIFO within a priority', () => {
    const q = new PriorityQueue<J>();
    q.enqueue(job('n1'));
    q.enqueue(job('l1', 'low'));
    q.enqueue(job('h1', 'high'));
    q.enqueue(job('n2'));
    q.enqueue(job('h2', 'high'));
    assert.equal(q.size, 5);
    assert.deepEqual(q.sizeByPriority(), { high: 2, normal: 2, low: 1 });
    assert.equal(q.peek()?.id, 'h1');
    assert.deepEqual(drain(q), ['h1', 'h2', 'n1', 'n2', 'l1']);
    assert.equal(q.size, 0);
    assert.equal(q.dequeue(), undefined);
  });

  it('puts requeued jobs ahead of fresh work of their priority, FIFO among themselves, behind higher priorities', () => {
    const q = new PriorityQueue<J>();
    q.enqueue(job('n1'));
    q.enqueue(job('n2'));
    q.enqueue(job('h1', 'high'));
    q.requeue(job('r1'));
    q.requeue(job('r2'));
    assert.deepEqual(drain(q), ['h1', 'r1', 'r2', 'n1', 'n2']);
  });

  it('interleaves a small batch enqueued after a huge one instead of starving it', () => {
    const q = new PriorityQueue<J>();
    for (let i = 0; i < 10_000; i++) q.enqueue(job(`a${i}`, 'normal', 'A'));
    for (let i = 0; i < 5; i++) q.enqueue(job(`b${i}`, 'normal', 'B'));
    const first = [];
    for (let i = 0; i < 10; i++) first.push(q.dequeue()!.id);
    assert.deepEqual(first, ['a0', 'b0', 'a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4']);
    assert.equal(q.dequeue()!.id, 'a5');
  });

  it('rotates between three batches fairly and keeps FIFO within each', () => {
    const q = new PriorityQueue<J>();
    for (const b of ['X', 'Y', 'Z']) for (let i = 0; i < 3; i++) q.enqueue(job(`${b}${i}`, 'low', b));
    assert.deepEqual(drain(q), ['X0', 'Y0', 'Z0', 'X1', 'Y1', 'Z1', 'X2', 'Y2', 'Z2']);
  });

  it('removes by id, finds and reports membership', () => {
    const q = new PriorityQueue<J>();
    ['1', '2', '3'].forEach((id) => q.enqueue(job(id)));
    assert.equal(q.has('2'), true);
    assert.equal(q.find('2')?.id, '2');
    assert.equal(q.remove('2')?.id, '2');
    assert.equal(q.remove('2'), undefined);
    assert.equal(q.has('2'), false);
    assert.equal(q.size, 2);
    assert.deepEqual(drain(q), ['1', '3']);
  });

  it('removing the front job makes peek and dequeue skip it', () => {
    const q = new PriorityQueue<J>();
    q.enqueue(job('1'));
    q.enqueue(job('2'));
    q.remove('1');
    assert.equal(q.peek()?.id, '2');
    assert.deepEqual(drain(q), ['2']);
  });

  it('rejects a duplicate id and an unknown priority with uniform messages', () => {
    const q = new PriorityQueue<J>();
    q.enqueue(job('1'));
    assert.throws(() => q.enqueue(job('1')), /Expected job id `1` to be unique/);
    assert.throws(
      () => q.enqueue(job('2', 'urgent' as Priority)),
      /Expected `priority` to be one of `high`, `normal`, `low`, got `urgent` \(string\)/,
    );
  });

  it('lists one priority in dequeue order with offset and limit', () => {
    const q = new PriorityQueue<J>();
    for (let i = 0; i < 4; i++) q.enqueue(job(`a${i}`, 'normal', 'A'));
    for (let i = 0; i < 2; i++) q.enqueue(job(`b${i}`, 'normal', 'B'));
    q.requeue(job('r0'));
    q.enqueue(job('h0', 'high'));
    q.remove('a1');
    const all = q.listByPriority('normal');
    assert.deepEqual(
      all.map((j) => j.id),
      ['r0', 'a0', 'b0', 'a2', 'b1', 'a3'],
    );
    assert.deepEqual(
      q.listByPriority('normal', { offset: 2, limit: 3 }).map((j) => j.id),
      ['b0', 'a2', 'b1'],
    );
    assert.deepEqual(q.listByPriority('low'), []);
    // The listing must match what dequeue will really do.
    q.remove('h0');
    assert.deepEqual(
      drain(q),
      all.map((j) => j.id),
    );
    assert.throws(
      () => q.listByPriority('normal', { offset: -1 }),
      /Expected `offset` to be an integer from 0 and up, got `-1` \(number\)/,
    );
  });

  it('changes the priority of one job or a whole batch', () => {
    const q = new PriorityQueue<J>();
    for (let i = 0; i < 3; i++) q.enqueue(job(`a${i}`, 'low', 'A'));
    for (let i = 0; i < 2; i++) q.enqueue(job(`b${i}`, 'normal', 'B'));
    q.requeue(job('ar', 'low', 'A'));
    assert.equal(q.changePriority({ id: 'b1' }, 'high'), 1);
    assert.equal(q.find('b1')?.priority, 'high');
    assert.equal(q.changePriority({ batchId: 'A' }, 'high'), 4);
    assert.equal(q.changePriority({ batchId: 'A' }, 'high'), 0);
    assert.deepEqual(q.sizeByPriority(), { high: 5, normal: 1, low: 0 });
    assert.deepEqual(drain(q), ['ar', 'b1', 'a0', 'a1', 'a2', 'b0']);
  });

  it('clear empties every priority', () => {
    const q = new PriorityQueue<J>();
    q.enqueue(job('1', 'high'));
    q.enqueue(job('2', 'low'));
    q.clear();
    assert.equal(q.size, 0);
    assert.equal(q.peek(), undefined);
    assert.equal(q.has('1'), false);
  });

  it('compacts after mass removal without losing or reordering live jobs', () => {
    const q = new PriorityQueue<J>();
    for (let i = 0; i < 5000; i++) q.enqueue(job(`${i}`, 'normal', `b${i % 3}`));
    for (let i = 0; i < 5000; i++) if (i % 5 !== 0) q.remove(`${i}`);
    // Model: survivors of each batch in FIFO order, taken round-robin b0, b1, b2.
    const perBatch = [0, 1, 2].map((b) => [...Array(5000).keys()].filter((i) => i % 5 === 0 && i % 3 === b));
    const expected: string[] = [];
    for (let k = 0; expected.length < 1000; k++) for (const list of perBatch) if (k < list.length) expected.push(`${list[k]}`);
    assert.deepEqual(
      q.listByPriority('normal').map((j) => j.id),
      expected,
    );
    assert.equal(q.size, 1000);
    assert.deepEqual(drain(q), expected);
  });

  it('enqueues and drains 100,000 jobs across batches in priority order (timing lives in bench/)', () => {
    const q = new PriorityQueue<J>();
    const priorities: Priority[] = ['high', 'normal', 'low'];
    for (let i = 0; i < 100_000; i++) q.enqueue(job(`${i}`, priorities[i % 3]!, `b${i % 50}`));
    let n = 0;
    let last: Priority = 'high';
    for (let j = q.dequeue(); j; j = q.dequeue()) {
      assert.ok(priorities.indexOf(j.priority) >= priorities.indexOf(last));
      last = j.priority;
      n++;
    }
    assert.equal(n, 100_000);
  });
});
