// The viewer's page arithmetic (pure, no browser).
import assert from 'node:assert/strict';
import { firstStart, lastStart, nextStart, prevStart, rangeText } from '../../webview/src/viewer/pager-logic';

describe('dataset viewer page arithmetic', () => {
  it('pages lines 1-based, 25 at a time, up to the last line', () => {
    const p = { start: 1, filtered: false, total: 60 };
    assert.equal(firstStart(false), 1);
    assert.equal(nextStart(p), 26);
    assert.equal(prevStart(p), undefined);
    assert.equal(lastStart(p), 51);
    assert.equal(nextStart({ ...p, start: 51 }), undefined);
    assert.equal(prevStart({ ...p, start: 51 }), 26);
    // After "go to line 40": back by a page stops at line 1, not below.
    assert.equal(prevStart({ ...p, start: 10 }), 1);
    assert.equal(rangeText({ ...p, start: 51 }, 60), 'Lines 51–60 of 60');
  });

  it('offers no last page while the lines are being counted, and says so', () => {
    const p = { start: 26, filtered: false, total: -1 };
    assert.equal(lastStart(p), undefined);
    assert.equal(nextStart(p), 51);
    assert.equal(rangeText(p, 12_345), 'Lines 26–50 of 12,345+ (counting…)');
  });

  it('says a page sought by estimate is near those lines, not at them', () => {
    const p = { start: 180_000, filtered: false, total: -1, approximate: true };
    assert.equal(rangeText(p, 9_000), 'Lines ≈180,000–180,024 (counting lines: 9,000 so far)');
    assert.equal(nextStart(p), 180_025);
  });

  it('pages matches 0-based and names them', () => {
    const p = { start: 0, filtered: true, total: 26 };
    assert.equal(firstStart(true), 0);
    assert.equal(lastStart(p), 25);
    assert.equal(rangeText(p, 0), 'Matches 1–25 of 26');
    assert.equal(rangeText({ ...p, start: 25 }, 0), 'Matches 26–26 of 26');
    assert.equal(rangeText({ ...p, total: 0 }, 0), 'No matches');
    assert.equal(nextStart({ ...p, total: 0 }), undefined);
  });
});
