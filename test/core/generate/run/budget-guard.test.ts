import assert from 'node:assert/strict';
import { BudgetGuard } from '../../../../src/core/generate/run/budget-guard';

describe('budget guard', () => {
  it('never admits a request whose estimate would cross the budget, counting in-flight reservations', () => {
    const g = new BudgetGuard(1.0);
    assert.equal(g.wouldExceed(0.4), false);
    g.reserve(0.4);
    assert.equal(g.wouldExceed(0.4), false);
    g.reserve(0.4);
    assert.equal(g.wouldExceed(0.4), true, '0.8 in flight + 0.4 > 1.0');
    g.settle(0.4, 0.1);
    assert.equal(g.spentUsd, 0.1);
    assert.equal(g.wouldExceed(0.4), false, '0.1 spent + 0.4 in flight + 0.4 <= 1.0');
  });

  it('exactly reaching the budget is allowed; no budget never blocks', () => {
    const g = new BudgetGuard(1);
    g.settle(0, 0.5);
    assert.equal(g.wouldExceed(0.5), false);
    assert.equal(new BudgetGuard(undefined).wouldExceed(1e9), false);
  });

  it('rejects a nonsense budget with a uniform message', () => {
    assert.throws(() => new BudgetGuard(0), /Expected `budget` to be a number above 0, got `0` \(number\)/);
  });

  it('a ceiling stops on real spend only (never on upper bounds), with its own reason', () => {
    const g = new BudgetGuard(undefined);
    g.setCeiling(1.5, (spent) => `spent ${spent}`);
    g.reserve(100);
    assert.equal(g.wouldExceed(100), false, 'in-flight upper bounds do not count against the ceiling');
    assert.equal(g.reason(), undefined);
    g.settle(100, 1.5);
    assert.equal(g.wouldExceed(0), false, 'reaching the ceiling exactly is allowed');
    g.settle(0, 0.01);
    assert.equal(g.wouldExceed(0), true);
    assert.equal(g.reason(), 'spent 1.51');
    assert.throws(() => g.setCeiling(0, () => ''), /Expected `ceiling` to be a number above 0/);
  });
});
