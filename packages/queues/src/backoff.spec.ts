import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jitteredDelay, minimumSchedule } from './backoff.ts';

describe('jittered backoff', () => {
  it('doubles per attempt and adds at most a quarter on top', () => {
    assert.equal(
      jitteredDelay(1, 5000, 0.25, () => 0),
      5000,
    );
    assert.equal(
      jitteredDelay(3, 5000, 0.25, () => 0),
      20_000,
    );
    assert.equal(
      jitteredDelay(3, 5000, 0.25, () => 0.999_999),
      25_000,
    );
  });

  it('spans at least ten minutes over the default 8 attempts from 5 s', () => {
    assert.ok(minimumSchedule(8, 5000) >= 10 * 60 * 1000, String(minimumSchedule(8, 5000)));
  });

  it('spreads retries of jobs that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => jitteredDelay(4, 5000)));
    assert.ok(delays.size > 10);
    for (const delay of delays) assert.ok(delay >= 40_000 && delay <= 50_000);
  });
});
