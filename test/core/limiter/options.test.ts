import assert from 'node:assert/strict';
import { createRateLimiter } from '../../../src/core/limiter/rate-limiter';
import { MemoryStore } from '../../../src/core/limiter/stores/memory-store';
import { FakeClock } from '../../support/fake-clock';
import { demand, limits, makeLimiter, permitOf, waitOf } from './helpers';

describe('limiter options', () => {
  const clock = new FakeClock(0);
  const base = { clock, limits: () => limits(60), outputAccounting: 'actual' as const };

  it('rejects bad options with uniform messages', () => {
    assert.throws(() => createRateLimiter({ ...base, paceSeconds: 0 }), {
      message: 'Expected `paceSeconds` to be a number above 0, got `0` (number)',
    });
    assert.throws(() => createRateLimiter({ ...base, safetyMargin: 1.5 }), {
      message: 'Expected `safetyMargin` to be a number above 0 up to 1, got `1.5` (number)',
    });
    assert.throws(() => createRateLimiter({ ...base, outputAccounting: 'guess' as never }), {
      message: 'Expected `outputAccounting` to be one of `reserve`, `actual`, got `guess` (string)',
    });
  });

  it('rejects bad limits and demands when they are used', async () => {
    const limiter = createRateLimiter({ ...base, limits: () => limits(0) });
    await assert.rejects(limiter.admit(demand()), {
      message: 'Expected `requestsPerMinute` to be a number from 1 and up, got `0` (number)',
    });
    const ok = createRateLimiter(base);
    await assert.rejects(ok.admit(demand(-1)), {
      message: 'Expected `inputTokens` to be a number from 0 and up, got `-1` (number)',
    });
    await assert.rejects(ok.setLimits('opus', limits(60, Number.NaN)), /inputTokensPerMinute/);
  });

  it('keeps all its state in the store, so two limiters on one store share the buckets', async () => {
    const store = new MemoryStore();
    const a = makeLimiter(limits(60), { clock, store }).limiter;
    const b = makeLimiter(limits(60), { clock, store }).limiter;
    permitOf(await a.admit(demand()));
    assert.equal(waitOf(await b.admit(demand())).blockedBy, 'requests');
  });
});
