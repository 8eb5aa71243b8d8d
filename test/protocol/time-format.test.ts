import assert from 'node:assert/strict';
import { approxDuration, perMinute, timeLeftText } from '../../src/protocol/time-format';

describe('time and rate figures, written one way everywhere', () => {
  it('writes durations for people: seconds, then minutes and tens of seconds, then minutes, then hours', () => {
    assert.deepEqual([0, 9.4, 59, 60, 170, 173, 595, 600, 959, 3600, 3900, 4380].map(approxDuration), [
      '~0 s',
      '~9 s',
      '~59 s',
      '~1 min',
      '~2 min 50 s',
      '~2 min 50 s',
      '~10 min',
      '~10 min',
      '~16 min',
      '~1 h',
      '~1 h 5 min',
      '~1 h 13 min',
    ]);
  });

  it('says "not known yet" instead of a figure it does not have', () => {
    assert.equal(timeLeftText(null), 'not known yet');
    assert.equal(timeLeftText(170), '~2 min 50 s');
  });

  it('writes rates per minute without spurious decimals', () => {
    assert.deepEqual([57.937, 14.737, 1200, 0.46, 0, Number.NaN, -3].map(perMinute), [
      '58/min',
      '15/min',
      '1,200/min',
      '0.5/min',
      '0/min',
      '0/min',
      '0/min',
    ]);
  });
});
