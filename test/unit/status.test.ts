// Status derivation from a fake process table: alive AND the recorded start time, zombies,
// the exec fifo, and /proc/<pid>/stat lines with awkward command names.

import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  containerStatus, deriveStatus, initAlive, liveProc, parseProcStat, readStartTime, type ProcReader, type StatusProbe,
} from '../../src/state/status.js';

/** A /proc/<pid>/stat line: pid (comm) state, then fields 4..21, starttime (22), and a few more. */
function statLine(pid: number, comm: string, state: string, start: string): string {
  const middle = Array.from({ length: 18 }, (_, i) => String(i + 4)); // fields 4..21
  return `${pid} (${comm}) ${state} ${middle.join(' ')} ${start} 0 0 18446744073709551615\n`;
}

function table(entries: Record<number, string>): ProcReader {
  return { stat: (pid) => entries[pid] ?? null };
}

const init = { pid: 42, pidStartTime: '1000' };

test('parsing counts fields after the last ")": comm may hold spaces and parentheses', () => {
  for (const comm of ['sleep', 'my (odd) proc', 'a) S 1 2 3 (b', ') )', '']) {
    assert.equal(parseProcStat(statLine(42, comm, 'S', '1000')), { state: 'S', startTime: '1000' }, comm);
  }
  assert.is(parseProcStat('garbage'), null);
  assert.is(parseProcStat('42 (x) S 1 2'), null, 'too short');
});

test('alive with the recorded start time: created while the fifo exists, running after', () => {
  const proc = table({ 42: statLine(42, 'sh', 'S', '1000') });
  assert.is(deriveStatus(init, true, proc), 'created');
  assert.is(deriveStatus(init, false, proc), 'running');
  assert.is(deriveStatus(init, false, table({ 42: statLine(42, 'sh', 'R', '1000') })), 'running');
  assert.is(deriveStatus(init, false, table({ 42: statLine(42, 'sh', 'D', '1000') })), 'running', 'uninterruptible sleep is alive');
});

test('a reused pid (other start time) is stopped, whatever the fifo says', () => {
  const proc = table({ 42: statLine(42, 'sh', 'S', '999999') });
  assert.is(deriveStatus(init, true, proc), 'stopped');
  assert.is(deriveStatus(init, false, proc), 'stopped');
});

test('zombies and dead tasks are stopped', () => {
  for (const state of ['Z', 'X']) {
    const proc = table({ 42: statLine(42, 'sh', state, '1000') });
    assert.is(deriveStatus(init, true, proc), 'stopped', state);
    assert.is(readStartTime(42, proc), null, state);
  }
});

test('no such process, or no pid recorded, is stopped', () => {
  assert.is(deriveStatus(init, true, table({})), 'stopped');
  for (const pid of [0, -1, 1.5, NaN]) {
    assert.is(deriveStatus({ pid, pidStartTime: '1000' }, true, table({ [pid]: statLine(1, 'x', 'S', '1000') })), 'stopped', String(pid));
  }
});

test('containerStatus looks at the fifo only for a live init', () => {
  const looked: string[] = [];
  const probe = (alive: boolean, fifo: boolean): StatusProbe => ({
    proc: table(alive ? { 42: statLine(42, 'sh', 'S', '1000') } : {}),
    exists: (p) => (looked.push(p), fifo),
  });
  assert.is(containerStatus(init, '/r/c1/exec.fifo', probe(true, true)), 'created');
  assert.is(containerStatus(init, '/r/c1/exec.fifo', probe(true, false)), 'running');
  assert.is(containerStatus(init, '/r/c1/exec.fifo', probe(false, true)), 'stopped');
  assert.equal(looked, ['/r/c1/exec.fifo', '/r/c1/exec.fifo']);
});

test('the live reader: this process is alive with its own start time; an unused pid is not', () => {
  const mine = parseProcStat(fs.readFileSync('/proc/self/stat', 'utf8'))!;
  assert.ok(initAlive({ pid: process.pid, pidStartTime: mine.startTime }, liveProc));
  assert.not.ok(initAlive({ pid: process.pid, pidStartTime: String(Number(mine.startTime) + 1) }, liveProc));
  const maxPid = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  assert.is(liveProc.stat(maxPid + 1), null);
});

test.run();
