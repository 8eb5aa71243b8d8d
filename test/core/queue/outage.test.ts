import assert from 'node:assert/strict';
import type { Clock, TimerHandle } from '../../../src/core/clock';
import type { ClassifiedError } from '../../../src/core/errors';
import { DEFAULT_OUTAGE_OPTIONS, Outage } from '../../../src/core/queue/outage';

/** A clock whose timers fire only when told, whatever it reads: as Node's may, a little early. */
function handClock(): Clock & { t: number; fire(): void } {
  const timers = new Map<number, () => void>();
  let id = 0;
  return {
    t: 1_000_000,
    now() {
      return this.t;
    },
    setTimeout(cb: () => void): TimerHandle {
      timers.set(++id, cb);
      return { id };
    },
    clearTimeout(h: TimerHandle) {
      timers.delete(h.id);
    },
    fire() {
      const due = [...timers.values()];
      timers.clear();
      for (const cb of due) cb();
    },
  };
}

const refused: ClassifiedError = { kind: 'network', action: 'backoff', retryable: true, message: 'connect ECONNREFUSED' };

describe('Outage (the endpoint circuit breaker)', () => {
  it('a probe timer that fires before the wall clock reads the probe time still lets the probe go', () => {
    const clock = handClock();
    let due = 0;
    const outage = new Outage<string>(
      clock,
      { ...DEFAULT_OUTAGE_OPTIONS, stormJobs: 2 },
      {
        announced: () => undefined,
        probeDue: () => due++,
        ended: () => undefined,
      },
    );
    outage.succeeded(); // the endpoint was reached once
    outage.failed(refused, 'a');
    assert.equal(outage.failed(refused, 'b').type, 'outage');
    const probeAt = outage.nextProbeAt!;
    assert.equal(outage.mayDispatch(clock.now()), false, 'holds until the probe time');
    // The timer fires 1 ms before the wall clock reaches the probe time.
    clock.t = probeAt - 1;
    clock.fire();
    assert.equal(due, 1);
    assert.equal(outage.mayDispatch(clock.now()), true, 'the probe goes when its timer fires');
    outage.launched('a');
    assert.equal(outage.mayDispatch(clock.now()), false, 'one probe at a time');
    // The probe fails: the next one waits for its own timer again.
    outage.failed(refused, 'a');
    assert.equal(outage.mayDispatch(clock.now()), false);
    clock.fire();
    assert.equal(outage.mayDispatch(clock.now()), true);
  });
});
