// Hooks run at the points runtime.md names, in order, with the state on stdin; the
// startContainer hook runs inside the container (its paths resolve in the rootfs).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, rootfs, sleepMs, stateOf, uniqueId, withHolder } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import type { Hook, Spec } from '../../src/spec/types.js';

function recorder(dir: string, kind: string): Hook {
  return {
    path: '/bin/sh',
    args: ['sh', '-c', `cat > ${dir}/${kind}.json; echo ${kind} >> ${dir}/order; readlink /proc/self/ns/mnt > ${dir}/${kind}.mntns`],
    env: ['PATH=/bin:/usr/bin'],
  };
}

test('every hook runs once, in lifecycle order, with the state on stdin', () => {
  const log = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-hooks-'));
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', 'echo main >> /hooklog/order'];
  spec.mounts!.push({ destination: '/hooklog', type: 'bind', source: log, options: ['bind'] });
  spec.annotations = { 'org.example.key': 'value' };
  spec.hooks = {
    prestart: [recorder(log, 'prestart')],
    createRuntime: [recorder(log, 'createRuntime')],
    createContainer: [recorder(log, 'createContainer')],
    startContainer: [recorder('/hooklog', 'startContainer')],
    poststart: [recorder(log, 'poststart')],
    poststop: [recorder(log, 'poststop')],
  };
  const b = makeBundle(spec);
  const id = uniqueId('hooks');
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    const pid = stateOf(b.root, id).pid;
    assert.equal(fs.readFileSync(path.join(log, 'order'), 'utf8').trim().split('\n'), ['prestart', 'createRuntime', 'createContainer']);
    assert.is(berth(b.root, ['start', id]).status, 0);
    for (let i = 0; i < 300 && stateOf(b.root, id).status !== 'stopped'; i++) sleepMs(10);
    assert.is(berth(b.root, ['delete', id]).status, 0);
    const order = fs.readFileSync(path.join(log, 'order'), 'utf8').trim().split('\n');
    // poststart runs after start returns control; main may finish before or after it.
    assert.equal(order.slice(0, 4), ['prestart', 'createRuntime', 'createContainer', 'startContainer']);
    assert.equal(order.filter((x) => x !== 'main').slice(4), ['poststart', 'poststop']);
    assert.ok(order.includes('main'));

    const state = JSON.parse(fs.readFileSync(path.join(log, 'createRuntime.json'), 'utf8'));
    assert.is(state.id, id);
    assert.is(state.pid, pid);
    assert.is(state.bundle, b.dir);
    assert.is(state.annotations['org.example.key'], 'value');
    // The create hooks run after lifecycle step 2, so they see "created" (runtime.md), as with crun.
    for (const hook of ['prestart', 'createRuntime', 'createContainer', 'startContainer']) {
      assert.is(JSON.parse(fs.readFileSync(path.join(log, `${hook}.json`), 'utf8')).status, 'created', hook);
    }
    assert.is(JSON.parse(fs.readFileSync(path.join(log, 'poststart.json'), 'utf8')).status, 'running');
    assert.is(JSON.parse(fs.readFileSync(path.join(log, 'poststop.json'), 'utf8')).status, 'stopped');
    // Hooks in the container's namespaces see the pid from there: 1 in its own pid namespace.
    assert.is(JSON.parse(fs.readFileSync(path.join(log, 'createContainer.json'), 'utf8')).pid, 1);
    assert.is(JSON.parse(fs.readFileSync(path.join(log, 'startContainer.json'), 'utf8')).pid, 1);

    const hostMnt = fs.readlinkSync('/proc/self/ns/mnt');
    assert.is(fs.readFileSync(path.join(log, 'createRuntime.mntns'), 'utf8').trim(), hostMnt, 'createRuntime: runtime namespace');
    assert.is.not(fs.readFileSync(path.join(log, 'createContainer.mntns'), 'utf8').trim(), hostMnt, 'createContainer: container namespace');
    assert.is.not(fs.readFileSync(path.join(log, 'startContainer.mntns'), 'utf8').trim(), hostMnt, 'startContainer: container namespace');
  } finally {
    b.cleanup();
    fs.rmSync(log, { recursive: true, force: true });
  }
});

test('a create joining a pid namespace: the create hooks run before pivot_root with /proc of that namespace mounted, told a pid in the container\'s namespaces; startContainer hooks get the init\'s', () => {
  // docs/ARCHITECTURE.md "A create that joins a pid namespace": the first stage stops for the
  // create hooks before pivot_root, before the init exists; the pid they are told is the first
  // stage's, whose namespaces are the container's and whose children's pid namespace is the
  // joined one. Docker always sends a prestart hook (libnetwork-setkey, which opens that pid's
  // network namespace), so this is `docker run --pid container:X`.
  const log = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-hooks-join-'));
  const pidOf = 'pid=$(grep -o \'"pid":[0-9]*\' | cut -d: -f2)';
  const nsOf = (kind: string) => ['net', 'mnt', 'uts', 'pid_for_children'].map((n) => `readlink /proc/$pid/ns/${n} >> ${log}/${kind}.ns`).join('; ');
  withHolder(minimalSpec(), 'hookholder', (holderPid) => {
    const spec = minimalSpec({ linux: { namespaces: [{ type: 'pid', path: `/proc/${holderPid}/ns/pid` }, { type: 'mount' }, { type: 'uts' }, { type: 'network' }] } });
    spec.process!.args = ['sh', '-c', 'for n in net mnt uts pid; do readlink /proc/self/ns/$n; done > /hooklog/main.ns'];
    spec.mounts!.push({ destination: '/hooklog', type: 'bind', source: log, options: ['bind'] });
    const env = ['PATH=/bin:/usr/bin'];
    spec.hooks = {
      prestart: [{ path: '/bin/sh', args: ['sh', '-c', `${pidOf}; echo $pid > ${log}/prestart.pid; ${nsOf('prestart')}`], env }],
      createContainer: [{
        path: '/bin/sh',
        args: ['sh', '-c', `readlink /proc/self/ns/pid > ${log}/createContainer.pidns; readlink ${rootfs()}/proc/1/ns/pid > ${log}/createContainer.proc1`],
        env,
      }],
      startContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'grep -o \'"pid":[0-9]*\' > /hooklog/startContainer.pid'], env }],
    };
    const b = makeBundle(spec);
    const id = uniqueId('hooksjoin');
    try {
      const r = berth(b.root, ['run', '--bundle', b.dir, id]);
      assert.is(r.status, 0, r.stderr);
      const read = (f: string) => fs.readFileSync(path.join(log, f), 'utf8').trim();
      const [net, mnt, uts, pidForChildren] = read('prestart.ns').split('\n');
      const [mainNet, mainMnt, mainUts, mainPid] = read('main.ns').split('\n');
      assert.equal([net, mnt, uts], [mainNet, mainMnt, mainUts], 'the pid prestart is told is in the container\'s namespaces');
      assert.is(pidForChildren, mainPid, '... and its children go to the joined pid namespace');
      assert.is(mainPid, fs.readlinkSync(`/proc/${holderPid}/ns/pid`));
      assert.is(read('createContainer.pidns'), mainPid, 'createContainer runs in the joined pid namespace');
      assert.is(read('createContainer.proc1'), mainPid, 'the rootfs has the joined namespace\'s /proc before pivot_root');
      // Hooks in the container's namespaces see the init's pid from there: the holder's init is 1.
      assert.ok(Number(read('startContainer.pid').split(':')[1]) > 1, read('startContainer.pid'));
    } finally {
      b.cleanup();
    }
  });
  fs.rmSync(log, { recursive: true, force: true });
});

test('startContainer hooks alone (their state comes with Go): the same state on stdin, in the container', () => {
  const log = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-hooks-'));
  const spec = minimalSpec();
  spec.process!.args = ['true'];
  spec.mounts!.push({ destination: '/hooklog', type: 'bind', source: log, options: ['bind'] });
  spec.hooks = { startContainer: [recorder('/hooklog', 'startContainer')] };
  const b = makeBundle(spec);
  const id = uniqueId('starthook');
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, id]);
    assert.is(r.status, 0, r.stderr);
    const state = JSON.parse(fs.readFileSync(path.join(log, 'startContainer.json'), 'utf8'));
    assert.is(state.id, id);
    assert.is(state.pid, 1);
    assert.is(state.status, 'created');
    assert.is(state.bundle, b.dir);
    assert.is.not(fs.readFileSync(path.join(log, 'startContainer.mntns'), 'utf8').trim(), fs.readlinkSync('/proc/self/ns/mnt'));
  } finally {
    b.cleanup();
    fs.rmSync(log, { recursive: true, force: true });
  }
});

test('a hook that outlives its timeout is killed and fails create', () => {
  const spec = minimalSpec({ hooks: { createRuntime: [{ path: '/bin/sleep', args: ['sleep', '30'], timeout: 1 }] } });
  const b = makeBundle(spec);
  const id = uniqueId('hooktimeout');
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, /timed out/);
    assert.not.ok(fs.existsSync(path.join(b.root, id)));
  } finally {
    b.cleanup();
  }
});

test('a failing createRuntime hook stops the container, runs the poststop hooks and leaves nothing', () => {
  const log = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-hooks-'));
  const spec = minimalSpec({ hooks: { createRuntime: [{ path: '/bin/false' }], poststop: [recorder(log, 'poststop')] } });
  spec.process!.args = ['sleep', '600'];
  const b = makeBundle(spec);
  const id = uniqueId('hookfail');
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, 'hooks.createRuntime[0]');
    const state = JSON.parse(fs.readFileSync(path.join(log, 'poststop.json'), 'utf8'));
    assert.is(state.status, 'stopped');
    assert.is(state.id, id);
    assert.throws(() => process.kill(state.pid, 0), 'the container process is gone');
    assert.not.ok(fs.existsSync(path.join(b.root, id)), 'no state directory');
  } finally {
    b.cleanup();
    fs.rmSync(log, { recursive: true, force: true });
  }
});

/** create, then start with `hooks`: start must fail naming `pattern`, leaving the container stopped. */
function startFails(hooks: Spec['hooks'], pattern: string | RegExp): void {
  const log = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-hooks-'));
  const spec = minimalSpec({ hooks: { ...hooks, poststop: [recorder(log, 'poststop')] } });
  spec.process!.args = ['sleep', '600'];
  const b = makeBundle(spec);
  const id = uniqueId('startfail');
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    const r = berth(b.root, ['start', id]);
    assert.is.not(r.status, 0, 'start must fail');
    assert.match(r.stderr, pattern);
    assert.is(stateOf(b.root, id).status, 'stopped');
    assert.is(berth(b.root, ['delete', id]).status, 0);
    assert.is(JSON.parse(fs.readFileSync(path.join(log, 'poststop.json'), 'utf8')).status, 'stopped', 'delete ran the poststop hooks');
  } finally {
    b.cleanup();
    fs.rmSync(log, { recursive: true, force: true });
  }
}

test('a failing startContainer hook fails start and leaves the container stopped', () => {
  startFails({ startContainer: [{ path: '/bin/false' }] }, 'hook /bin/false exited with status 1');
});

test('a failing poststart hook fails start and leaves the container stopped', () => {
  startFails({ poststart: [{ path: '/bin/false' }] }, /hooks\.poststart\[0\].*exited with status 1/);
});

test('run with a failing poststart hook exits non-zero and leaves nothing', () => {
  const spec = minimalSpec({ hooks: { poststart: [{ path: '/bin/false' }] } });
  spec.process!.args = ['sleep', '600'];
  const b = makeBundle(spec);
  const id = uniqueId('poststart');
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, /poststart/);
    assert.not.ok(fs.existsSync(path.join(b.root, id)), 'run deleted the container');
  } finally {
    b.cleanup();
  }
});

test.run();
