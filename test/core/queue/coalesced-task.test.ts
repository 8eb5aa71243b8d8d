import assert from 'node:assert/strict';
import { CoalescedTask } from '../../../src/core/queue/coalesced-task';

describe('CoalescedTask', () => {
  it('never overlaps passes; calls made meanwhile fold into one more pass', async () => {
    let active = 0;
    let maxActive = 0;
    let passes = 0;
    const gates: (() => void)[] = [];
    const task = new CoalescedTask(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      passes++;
      await new Promise<void>((resolve) => gates.push(resolve));
      active--;
    });
    const first = task.run();
    assert.equal(task.busy, true);
    // Three calls while the first pass runs: each returns at once, together they ask for one more pass.
    assert.deepEqual(await Promise.all([task.run(), task.run(), task.run()]), [false, false, false]);
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
    assert.equal(passes, 2);
    gates.shift()!();
    assert.equal(await first, true);
    assert.equal(passes, 2);
    assert.equal(maxActive, 1);
    assert.equal(task.busy, false);
  });

  it('a failing pass ends the run with its error and leaves the task ready for the next call', async () => {
    let fail = true;
    const task = new CoalescedTask(async () => {
      if (fail) throw new Error('snapshot failed');
    });
    await assert.rejects(task.run(), /snapshot failed/);
    assert.equal(task.busy, false);
    fail = false;
    assert.equal(await task.run(), true);
  });
});
