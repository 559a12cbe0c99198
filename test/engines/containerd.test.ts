// containerd (through ctr and the runc v2 shim) driving berth and, as the reference, runc:
// run --rm (attached, -t), run -d with task exec, pause/resume, ps and kill.

import fs from 'node:fs';
import * as assert from 'uvu/assert';
import { freezerState } from '../helpers/engines/cgroup-files.js';
import { ContainerdEngine } from '../helpers/engines/containerd.js';
import { imageName } from '../helpers/engines/images.js';
import { ok, waitFor } from '../helpers/engines/run-cmd.js';
import { defineScenarios } from '../helpers/engines/scenario.js';

const cd = new ContainerdEngine();
let counter = 0;
const newId = (tag: string) => `${tag}-${counter++}`;

defineScenarios(cd, {
  'run --rm: output and exit status': (rt) => {
    const r = cd.ctr([...cd.runArgs(rt, '--rm'), imageName, newId('run'), 'sh', '-c', 'echo to-out; echo to-err >&2; exit 3']);
    assert.is(r.status, 3, r.stderr);
    assert.is(r.stdout, 'to-out\n');
    assert.is(r.stderr, 'to-err\n');
    assert.is(ok(cd.ctr(['container', 'ls', '-q'])), '');
  },

  'run --rm -t prints its terminal': (rt) => {
    const r = cd.ctrOnTerminal([...cd.runArgs(rt, '--rm', '-t'), imageName, newId('tty'), 'sh', '-c', 'tty; stty size >/dev/null && echo has-winsize']);
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\/dev\/pts\/\d+/);
    assert.match(r.stdout, 'has-winsize');
  },

  'task exec: --cwd, --user, --tty, exit status': (rt) => {
    const id = newId('exec');
    ok(cd.ctr([...cd.runArgs(rt, '-d'), imageName, id, 'sleep', '1000']));
    assert.is(ok(cd.ctr(['task', 'exec', '--exec-id', 'cwd', '--cwd', '/tmp', id, 'pwd'])).trim(), '/tmp');
    assert.is(ok(cd.ctr(['task', 'exec', '--exec-id', 'user', '--user', '65534', id, 'id', '-u'])).trim(), '65534');
    const t = cd.ctrOnTerminal(['task', 'exec', '--exec-id', 'tty', '--tty', id, 'tty']);
    assert.is(t.status, 0, t.stdout + t.stderr);
    assert.match(t.stdout, /\/dev\/pts\/\d+/);
    assert.is(cd.ctr(['task', 'exec', '--exec-id', 'fails', id, 'sh', '-c', 'exit 4']).status, 4);
    cd.remove(id);
  },

  'task pause and resume freeze and thaw the cgroup': (rt) => {
    const id = newId('pause');
    ok(cd.ctr([...cd.runArgs(rt, '-d'), imageName, id, 'sleep', '1000']));
    ok(cd.ctr(['task', 'pause', id]));
    assert.is(cd.taskStatus(id), 'PAUSED');
    assert.is(freezerState(`/${cd.namespace}/${id}`), 'frozen');
    ok(cd.ctr(['task', 'resume', id]));
    assert.is(cd.taskStatus(id), 'RUNNING');
    assert.is(freezerState(`/${cd.namespace}/${id}`), 'thawed');
    cd.remove(id);
  },

  'task ps lists the init': (rt) => {
    const id = newId('ps');
    ok(cd.ctr([...cd.runArgs(rt, '-d'), imageName, id, 'sleep', '1000']));
    const pid = cd.taskPid(id);
    assert.ok(pid && /^\d+$/.test(pid));
    const ps = ok(cd.ctr(['task', 'ps', id])).split('\n').slice(1).map((l) => l.split(/\s+/)[0]).filter(Boolean);
    assert.equal(ps, [pid]);
    cd.remove(id);
  },

  'task kill: a signal the init traps, then SIGKILL': (rt) => {
    const trapped = newId('kill');
    ok(cd.ctr([...cd.runArgs(rt, '-d'), imageName, trapped, 'sh', '-c', 'trap "exit 3" TERM; touch /ready; while true; do sleep 0.1; done']));
    // The trap is set once /ready exists (read through the init's root: no exec needed).
    waitFor('the trap', () => (fs.existsSync(`/proc/${cd.taskPid(trapped)}/root/ready`) ? true : undefined));
    ok(cd.ctr(['task', 'kill', '-s', 'SIGTERM', trapped]));
    assert.is(cd.reap(trapped), 3);

    const killed = newId('kill');
    ok(cd.ctr([...cd.runArgs(rt, '-d'), imageName, killed, 'sleep', '1000']));
    ok(cd.ctr(['task', 'kill', '-s', 'SIGKILL', killed]));
    assert.is(cd.reap(killed), 137);
  },
});
