// The webview's pure logic, run in node: countdown arithmetic, persisted-state restore, page matching.
import assert from 'node:assert/strict';
import { countdownText, msUntilNextTick, pauseSecondsLeft } from '../../webview/src/countdown';
import { initialViewState, pageMatches, restoreViewState } from '../../webview/src/view-state';
import { stateFixture } from './support/fake-host';

describe('pause countdown', () => {
  const panel = stateFixture('throttled', 1_000_000).state; // pausedUntil = host 1,030,000

  it('counts whole seconds left on the host clock, corrected by the offset', () => {
    assert.equal(pauseSecondsLeft(panel, 0, 1_000_000), 30);
    assert.equal(pauseSecondsLeft(panel, 0, 1_000_001), 30);
    assert.equal(pauseSecondsLeft(panel, 0, 1_001_000), 29);
    // Host clock an hour ahead of ours: same 30 s.
    assert.equal(pauseSecondsLeft(panel, 3_600_000, 1_000_000 - 3_600_000), 30);
    assert.equal(pauseSecondsLeft(panel, 0, 2_000_000), 0);
    assert.equal(pauseSecondsLeft({ ...panel, pausedUntil: null }, 0, 0), null);
  });

  it('schedules the next tick for when the shown second changes', () => {
    assert.equal(msUntilNextTick(panel, 0, 1_000_250), 755);
    assert.equal(msUntilNextTick(panel, 0, 1_000_000), 1005);
    assert.equal(msUntilNextTick(null, 0, 0), 1000);
  });

  it('words it like the status bar', () => {
    assert.equal(countdownText(2), 'Resumes in 2 s');
    assert.equal(countdownText(1), 'Resumes in 1 s');
    assert.equal(countdownText(0), 'Resuming…');
  });
});

describe('persisted view state', () => {
  it('restores a saved state and drops parts an older build saved differently', () => {
    const panel = stateFixture('healthy').state;
    const saved = { ...initialViewState(), panel, clockOffsetMs: 12 };
    assert.deepEqual(restoreViewState(JSON.parse(JSON.stringify(saved))), saved);
    assert.deepEqual(restoreViewState(undefined), initialViewState());
    assert.deepEqual(restoreViewState({ panel: { runState: 'running' }, query: 'x', clockOffsetMs: 'soon' }), initialViewState());
  });

  it('matches a jobs page only to the query it answers', () => {
    const query = { offset: 50, limit: 50, filter: { state: 'failed' as const } };
    const page = { offset: 50, limit: 50, filter: { state: 'failed' as const }, total: 0, rows: [] };
    assert.equal(pageMatches(page, query), true);
    assert.equal(pageMatches({ ...page, offset: 0 }, query), false);
    assert.equal(pageMatches({ ...page, filter: {} }, query), false);
  });
});
