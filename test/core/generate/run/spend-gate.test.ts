import assert from 'node:assert/strict';
import { DEFAULT_CONFIRM_ABOVE_USD, spendGate } from '../../../../src/core/generate/run/spend-gate';

describe('spend gate', () => {
  const base = { confirmed: false, interactive: true, timeText: '~6.7 h, bound by output tokens (400k OTPM)' };

  it('lets a run under the threshold go without asking', () => {
    assert.deepEqual(spendGate({ ...base, estimateUsd: DEFAULT_CONFIRM_ABOVE_USD - 0.01 }), { kind: 'go' });
  });

  it('asks on a terminal above the threshold, stating the estimate and the binding limit', () => {
    const g = spendGate({ ...base, estimateUsd: 3260.8 });
    assert.equal(g.kind, 'ask');
    assert.match(
      g.kind === 'ask' ? g.message : '',
      /~\$3260\.80, ~6\.7 h, bound by output tokens \(400k OTPM\): above the \$10\.00 confirmation threshold/,
    );
  });

  it('refuses when nobody can be asked, and --yes lets it go', () => {
    assert.equal(spendGate({ ...base, interactive: false, estimateUsd: 50 }).kind, 'refuse');
    assert.equal(spendGate({ ...base, interactive: false, confirmed: true, estimateUsd: 50 }).kind, 'go');
  });

  it('a budget under the threshold caps the spend, so no question; the threshold is configurable', () => {
    assert.equal(spendGate({ ...base, estimateUsd: 500, budgetUsd: 5 }).kind, 'go');
    assert.equal(spendGate({ ...base, estimateUsd: 500, budgetUsd: 50 }).kind, 'ask');
    assert.equal(spendGate({ ...base, estimateUsd: 50, confirmAboveUsd: 100 }).kind, 'go');
    assert.throws(() => spendGate({ ...base, estimateUsd: 50, confirmAboveUsd: 0 }), /confirmAboveUsd/);
  });
});
