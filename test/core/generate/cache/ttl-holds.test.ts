import assert from 'node:assert/strict';
import { planHoldsFromPauses, TtlPlanner } from '../../../../src/core/generate/cache/ttl-planner';

describe('cache TTL plan from announced pauses', () => {
  function processor() {
    const listeners: ((e: { until?: number }) => void)[] = [];
    return {
      on: (_type: 'paused', l: (e: { until?: number }) => void) => (
        listeners.push(l),
        { dispose: () => listeners.splice(listeners.indexOf(l), 1) }
      ),
      pause: (e: { until?: number }) => listeners.forEach((l) => l(e)),
    };
  }

  it('a pause that outlasts five minutes switches new writes to the hour; a short one or a user pause does not', () => {
    const p = processor();
    const planner = new TtlPlanner();
    const sub = planHoldsFromPauses(p, planner, () => 1_000);
    p.pause({ until: 1_000 + 30_000 });
    p.pause({});
    assert.equal(planner.ttl(), '5m');
    p.pause({ until: 1_000 + 10 * 60_000 });
    assert.equal(planner.ttl(), '1h');
    sub.dispose();
    const other = new TtlPlanner();
    planHoldsFromPauses(p, other, () => 1_000).dispose();
    p.pause({ until: 1_000 + 10 * 60_000 });
    assert.equal(other.ttl(), '5m', 'disposed: no longer listening');
  });
});
