import os from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BerthError } from '../../src/errors.js';
import { SIGNALS, parseSignal, signalName } from '../../src/cli/signals.js';

test('names with or without SIG, in any case', () => {
  for (const text of ['TERM', 'SIGTERM', 'sigterm', 'term', 'SigTerm']) assert.is(parseSignal(text), 15, text);
  assert.is(parseSignal('KILL'), 9);
  assert.is(parseSignal('hup'), 1);
  assert.is(parseSignal('usr1'), 10);
  assert.is(parseSignal('SIGWINCH'), 28);
});

test('numbers as engines send them, 0 through 64', () => {
  assert.is(parseSignal('15'), 15);
  assert.is(parseSignal('9'), 9);
  assert.is(parseSignal('0'), 0);
  assert.is(parseSignal('64'), 64);
});

test('real-time signals by name', () => {
  assert.is(parseSignal('RTMIN'), 34);
  assert.is(parseSignal('SIGRTMIN+3'), 37);
  assert.is(parseSignal('rtmax-1'), 63);
  assert.is(parseSignal('RTMAX'), 64);
});

test('anything else is a clear error naming the input', () => {
  for (const bad of ['NOPE', 'SIGNOPE', '65', '-9', '9x', '', 'SIG', 'RTMIN-1', 'RTMAX+1', 'RTMIN+31']) {
    assert.throws(() => parseSignal(bad), (e: unknown) => e instanceof BerthError && (e as Error).message.startsWith(`unknown signal ${JSON.stringify(bad)}`), bad);
  }
});

test('the table agrees with the numbers Node knows on this host', () => {
  const host = os.constants.signals as Record<string, number>;
  for (const [name, n] of Object.entries(host)) {
    if (name in SIGNALS) assert.is(SIGNALS[name], n, name);
  }
  assert.ok(Object.keys(host).every((name) => name in SIGNALS), 'every host signal name is known');
});

test('names for messages', () => {
  assert.is(signalName(15), 'SIGTERM');
  assert.is(signalName(6), 'SIGABRT');
  assert.is(signalName(36), 'SIGRTMIN+2');
  assert.is(signalName(0), 'signal 0');
});

test.run();
