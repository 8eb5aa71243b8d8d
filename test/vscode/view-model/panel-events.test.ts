import assert from 'node:assert/strict';
import type { LogEntry } from '../../../src/core/metrics/metrics';
import { eventsOf } from '../../../src/vscode/view-model/panel-events';

/** Oldest first here for reading; the engine keeps its log newest first. */
function log(...entries: [number, LogEntry['type'], string][]): LogEntry[] {
  return entries.map(([at, type, message]) => ({ at, type, message })).reverse();
}

describe('panel events: quiet, repeats as one row with a count', () => {
  it('start-up 429s (each a pause and its resume) coalesce into one line', () => {
    const events = eventsOf(
      log(
        [1, 'queued', '172 job(s) queued'],
        [2, 'paused', 'paused by a 429 for 1 s'],
        [3, 'resumed', 'resumed'],
        [4, 'health', 'rate limit health: throttled'],
        [5, 'paused', 'paused by a 429 for 2 s'],
        [6, 'resumed', 'resumed'],
        [7, 'paused', 'paused by a 429 for 1 s'],
        [8, 'resumed', 'resumed'],
        [9, 'paused', 'paused by a 429 for 1 s'],
      ),
    );
    assert.deepEqual(events, [
      { at: 9, level: 'warn', message: 'paused by a 429 for 1 s' },
      { at: 8, level: 'warn', message: 'paused by a 429 for 1 s, then resumed', count: 3 },
      { at: 1, level: 'info', message: '172 job(s) queued' },
    ]);
  });

  it('identical retries of different jobs are one row; different errors stay apart', () => {
    const events = eventsOf(
      log(
        [1, 'retrying', 'c-1: 529 overloaded_error: Overloaded; retry in 1 s'],
        [2, 'retrying', 'c-2: 529 overloaded_error: Overloaded; retry in 2 s'],
        [3, 'retrying', 'c-3: 500 api_error: Internal; retry in 1 s'],
        [4, 'failed', 'c-1: 529 overloaded_error: Overloaded'],
      ),
    );
    assert.deepEqual(
      events.map((e) => [e.message, e.count ?? 1, e.level]),
      [
        ['c-1: 529 overloaded_error: Overloaded', 1, 'error'],
        ['c-3: 500 api_error: Internal; retry in 1 s', 1, 'warn'],
        ['c-2: 529 overloaded_error: Overloaded; retry in 2 s', 2, 'warn'],
      ],
    );
  });

  it('redacts keys in messages', () => {
    const [e] = eventsOf(log([1, 'stopped', `stopped: bad key sk-ant-api03-${'x'.repeat(40)}`]));
    assert.doesNotMatch(e!.message, /sk-ant-api03-x{10}/);
  });
});
