// BERTH_TEST_TIME_SCALE: the VM suite's guest lengthens the tests' time limits by the
// starvation it measured; anything else leaves them as they are.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scaledMs } from '../helpers/time-scale.js';

test('scaledMs: multiplies by a scale above 1, rounding up', () => {
  assert.is(scaledMs(30_000, { BERTH_TEST_TIME_SCALE: '2.5' }), 75_000);
  assert.is(scaledMs(1000, { BERTH_TEST_TIME_SCALE: '1.0001' }), 1001);
});

test('scaledMs: unset, below 1 or not a number leaves the limit alone', () => {
  for (const bad of [undefined, '', '0.5', '1', '-3', 'slow', 'Infinity']) {
    assert.is(scaledMs(30_000, { BERTH_TEST_TIME_SCALE: bad }), 30_000, String(bad));
  }
});

test.run();
