// `kill` takes the container's lock (container/kill.ts): it waits while another command holds
// it, but only a bounded time, so a start or delete stuck holding it (a hanging hook) never
// makes a container unkillable; and a container still being created "does not exist".

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lockContainer } from '../../src/state/lock.js';
import { StateStore } from '../../src/state/store.js';
import { berth, berthBin, makeBundle, sleepMs, stateOf, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import { cgroupDirsLeft } from '../helpers/leftovers.js';

function sleeper() {
  const spec = minimalSpec();
  spec.process!.args = ['sleep', '600'];
  return makeBundle(spec);
}

function exitOf(args: string[]): Promise<number | null> {
  return new Promise((resolve) => spawn(berthBin, args, { stdio: 'ignore' }).on('exit', (code) => resolve(code)));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z');
  } catch {
    return false;
  }
};

test('kill waits while another command holds the container lock, then signals', async () => {
  const b = sleeper();
  const id = uniqueId('kill-lock');
  try {
    assert.is(berth(b.root, ['run', '-d', '--bundle', b.dir, id]).status, 0);
    const pid = stateOf(b.root, id).pid;
    const lock = lockContainer(new StateStore(b.root), id);
    const child = spawn(berthBin, ['--root', b.root, 'kill', id, 'KILL'], { stdio: 'ignore' });
    const killed = new Promise((resolve) => child.on('exit', resolve));
    let released = false;
    try {
      // kill keeps the lock file open while it waits for the lock: see it there (or the init
      // die, the failure this test is about), then give it a moment more to do wrong.
      const lockFile = new StateStore(b.root).lockPath(id);
      const waiting = () => {
        try {
          return fs.readdirSync(`/proc/${child.pid}/fd`).some((fd) => fs.readlinkSync(`/proc/${child.pid}/fd/${fd}`) === lockFile);
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 2000 && !waiting() && alive(pid); i++) await new Promise((r) => setTimeout(r, 5));
      assert.ok(alive(pid), 'not signalled while the lock is held');
      assert.ok(waiting(), 'kill waits on the lock');
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(alive(pid), 'not signalled while the lock is held');
    } finally {
      lock.release();
      released = true;
    }
    assert.ok(released);
    assert.is(await killed, 0);
    for (let i = 0; i < 500 && alive(pid); i++) sleepMs(10);
    assert.not.ok(alive(pid), 'signalled once the lock was free');
  } finally {
    b.cleanup();
  }
});

test('kill gets through a lock that is never released (a hung start or delete)', async () => {
  const b = sleeper();
  const id = uniqueId('kill-stuck');
  try {
    assert.is(berth(b.root, ['run', '-d', '--bundle', b.dir, id]).status, 0);
    const pid = stateOf(b.root, id).pid;
    const lock = lockContainer(new StateStore(b.root), id);
    try {
      assert.is(await exitOf(['--root', b.root, 'kill', id, 'KILL']), 0);
      for (let i = 0; i < 500 && alive(pid); i++) sleepMs(10);
      assert.not.ok(alive(pid), 'signalled');
    } finally {
      lock.release();
    }
  } finally {
    b.cleanup();
  }
});

test('kill of a container still being created: "does not exist", without waiting for the create', async () => {
  // The hook keeps the create (and its lock) busy; it ends by itself soon after the test.
  const spec = minimalSpec({ hooks: { createRuntime: [{ path: '/bin/sleep', args: ['sleep', '10'] }] } });
  spec.process!.args = ['sleep', '600'];
  const b = makeBundle(spec);
  const id = uniqueId('kill-creating');
  const create = spawn(berthBin, ['--root', b.root, 'create', '--bundle', b.dir, id], { stdio: 'ignore' });
  const created = new Promise((r) => create.on('exit', r));
  try {
    const store = new StateStore(b.root);
    for (let i = 0; i < 1000 && !store.hasDir(id); i++) sleepMs(10);
    assert.ok(store.hasDir(id), 'the create began');
    const k = berth(b.root, ['kill', id, 'KILL'], { timeoutMs: 10_000 });
    assert.is.not(k.status, 0);
    assert.match(k.stderr, 'does not exist');
  } finally {
    create.kill('SIGKILL');
    await created;
    b.cleanup(); // delete --force reclaims what the killed create left
  }
  // The hook (sleep 10) outlives the killed create: had it inherited the container lock, the
  // delete --force above would have taken the create for one still running and left its cgroups.
  assert.equal(cgroupDirsLeft(id), [], 'no cgroup left');
});

test.run();
