import * as assert from 'node:assert/strict';
import type { MessageBatchRequest } from '../../../src/core/api/message-batch-api';
import { BudgetGuard } from '../../../src/core/generate/run/budget-guard';
import { MessageBatchReservations, type MessageBatchBudget } from '../../../src/core/message-batches/message-batch-budget';
import { usageOf } from '../../support/fake-caller';

/** The port as the run's spend tracker gives it, on a plain BudgetGuard. */
function port(guard: BudgetGuard): MessageBatchBudget {
  return {
    reserve: (usd) => {
      if (guard.wouldExceed(usd)) return 'over';
      guard.reserve(usd);
      return undefined;
    },
    hold: (usd) => guard.reserve(usd),
    settle: (r, a) => guard.settle(r, a),
  };
}

const request = (c: string, maxTokens: number): MessageBatchRequest => ({
  customId: c,
  params: { model: 'm', messages: [{ role: 'user', content: 'x' }], maxTokens },
});
/** $1 per max_tokens unit; a succeeded line costs its output tokens in cents. */
const prices = {
  worstCaseUsd: (p: MessageBatchRequest['params']) => p.maxTokens,
  costUsd: (_m: string, u: { outputTokens: number }) => u.outputTokens / 100,
};
const ok = (c: string, outputTokens: number) => ({
  customId: c,
  type: 'succeeded' as const,
  response: { text: '', stopReason: 'end_turn', usage: usageOf({ inputTokens: 0, outputTokens }), model: 'm-2025' },
});

describe('MessageBatchReservations', () => {
  it('admits the prefix that fits and says why the rest does not', () => {
    const guard = new BudgetGuard(5);
    const r = new MessageBatchReservations(port(guard), prices);
    const a = r.admit([request('a', 2), request('b', 2), request('c', 2)]);
    assert.deepEqual(a, { count: 2, refusal: 'over' });
    assert.equal(r.reservedUsd, 4);
    assert.equal(guard.wouldExceed(1.5), true, 'the guard holds the reservations');
  });

  it('settles each line once to what it cost (errored/expired/canceled: nothing), and releases what never reached Anthropic', () => {
    const guard = new BudgetGuard(100);
    const r = new MessageBatchReservations(port(guard), prices);
    r.admit([request('a', 10), request('b', 10), request('c', 10)]);
    r.settle(ok('a', 50));
    r.settle(ok('a', 50)); // a repeated download
    r.settle({ customId: 'b', type: 'expired' });
    assert.equal(guard.spentUsd, 0.5);
    assert.equal(r.reservedUsd, 10);
    r.release(['c']);
    assert.equal(r.reservedUsd, 0);
    assert.equal(guard.spentUsd, 0.5);
    assert.equal(guard.wouldExceed(99.5), false, 'nothing is left reserved');
  });

  it('holds requests already out without asking, even past the budget', () => {
    const guard = new BudgetGuard(5);
    const r = new MessageBatchReservations(port(guard), prices);
    r.hold(request('a', 8));
    assert.equal(r.reservedUsd, 8);
    assert.deepEqual(r.admit([request('b', 1)]), { count: 0, refusal: 'over' });
  });
});
