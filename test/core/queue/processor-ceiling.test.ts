import assert from 'node:assert/strict';
import { machineCapacity, BYTES_PER_REQUEST } from '../../../src/core/queue/machine-capacity';
import { QueueProcessor } from '../../../src/core/queue/processor';
import { FakeClock } from '../../support/fake-clock';
import { FakeLimiter } from '../../support/fake-limiter';
import { fakeExecutor, makeJob } from './helpers';

function processorWith(extra: { maxConcurrency?: number; machineCapacity?: number; load?: { overloaded(): boolean; dispose(): void } }) {
  const clock = new FakeClock(0);
  const exec = fakeExecutor(clock, 20_000);
  const processor = new QueueProcessor<null>({
    clock,
    limiter: new FakeLimiter(clock),
    executor: exec.executor,
    backoff: { baseMs: 1000, maxMs: 30_000, jitter: () => 0.5 },
    ...extra,
  });
  return { clock, processor, ...exec };
}

describe('QueueProcessor concurrency ceiling', () => {
  it('has no fixed cap: with no user maximum, thousands of 20 s requests go in flight while the slots hold dispatch back', async () => {
    const t = processorWith({});
    assert.equal(t.processor.stats.concurrencyCeiling, 'machine');
    assert.equal(t.processor.stats.maxConcurrency, machineCapacity());
    t.processor.add(Array.from({ length: 3000 }, (_, i) => makeJob(`j${i}`)));
    // 4 slots doubling every 250 ms: past 2,000 in under 3 s, long before the first answer.
    await t.clock.advance(3000);
    assert.ok(t.active() >= 2000, `only ${t.active()} in flight`);
    assert.equal(t.processor.stats.succeeded, 0);
    t.processor.dispose();
  });

  it('stops at what the machine can hold when the user sets no maximum', async () => {
    const t = processorWith({ machineCapacity: 300 });
    t.processor.add(Array.from({ length: 1000 }, (_, i) => makeJob(`j${i}`)));
    await t.clock.advance(5000);
    assert.equal(t.active(), 300);
    assert.equal(t.processor.stats.maxConcurrency, 300);
    t.processor.dispose();
  });

  it('a user maximum wins over the machine', async () => {
    const t = processorWith({ maxConcurrency: 40, machineCapacity: 300 });
    t.processor.add(Array.from({ length: 1000 }, (_, i) => makeJob(`j${i}`)));
    await t.clock.advance(5000);
    assert.equal(t.peak(), 40);
    assert.equal(t.processor.stats.concurrencyCeiling, 'user');
  });

  it('does not grow while the process is short of CPU (more requests in flight would only queue inside it)', async () => {
    let overloaded = true;
    const t = processorWith({ load: { overloaded: () => overloaded, dispose: () => undefined } });
    t.processor.add(Array.from({ length: 1000 }, (_, i) => makeJob(`j${i}`)));
    await t.clock.advance(3000);
    assert.equal(t.active(), 4);
    overloaded = false;
    await t.clock.advance(1000);
    assert.ok(t.active() >= 32, `${t.active()} in flight once CPU is free again`);
    t.processor.dispose();
  });

  it('bounds the machine ceiling by heap and open files', () => {
    assert.equal(machineCapacity({ heapLimitBytes: 2 * 1000 * BYTES_PER_REQUEST, openFilesLimit: 100_000 }), 1000);
    assert.equal(machineCapacity({ heapLimitBytes: 2 * 1000 * BYTES_PER_REQUEST, openFilesLimit: 1024 }), 768);
    assert.equal(machineCapacity({ heapLimitBytes: 2 * 1000 * BYTES_PER_REQUEST }), 1000);
    assert.equal(machineCapacity({ heapLimitBytes: 1, openFilesLimit: 10 }), 1);
  });
});
