// podman (through conmon) driving berth and, as the reference, runc: run, exec, pause and
// unpause, top, kill and stop.

import * as assert from 'uvu/assert';
import { freezerState } from '../helpers/engines/cgroup-files.js';
import { imageName } from '../helpers/engines/images.js';
import { PodmanEngine } from '../helpers/engines/podman.js';
import { ok, waitFor } from '../helpers/engines/run-cmd.js';
import { defineScenarios } from '../helpers/engines/scenario.js';

const pm = new PodmanEngine();

defineScenarios(pm, {
  'run --rm: output, exit status, removal': (rt) => {
    const r = pm.podman(rt, [...pm.runArgs('--rm'), imageName, 'sh', '-c', 'echo to-out; echo to-err >&2; exit 3']);
    assert.is(r.status, 3, r.stderr);
    assert.is(r.stdout, 'to-out\n');
    assert.match(r.stderr, 'to-err');
    assert.is(ok(pm.podman(rt, ['ps', '-aq'])), '');
  },

  'run -t prints its terminal': (rt) => {
    const r = pm.podmanOnTerminal(rt, [...pm.runArgs('--rm', '-t'), imageName, 'tty']);
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\/dev\/pts\/\d+/);
  },

  'exec -u, -w, -e, -t': (rt) => {
    const id = ok(pm.podman(rt, [...pm.runArgs('-d'), imageName, 'sleep', '1000'])).trim();
    assert.is(ok(pm.podman(rt, ['exec', '-u', '65534:65534', id, 'id', '-u'])).trim(), '65534');
    assert.is(ok(pm.podman(rt, ['exec', '-w', '/tmp', id, 'pwd'])).trim(), '/tmp');
    assert.is(ok(pm.podman(rt, ['exec', '-e', 'GREETING=hello', id, 'sh', '-c', 'echo $GREETING'])).trim(), 'hello');
    const t = pm.podmanOnTerminal(rt, ['exec', '-t', id, 'tty']);
    assert.is(t.status, 0, t.stdout + t.stderr);
    assert.match(t.stdout, /\/dev\/pts\/\d+/);
    assert.is(pm.podman(rt, ['exec', id, 'sh', '-c', 'exit 5']).status, 5);
    ok(pm.podman(rt, ['rm', '-f', '-t', '0', id]));
  },

  'pause and unpause freeze and thaw the cgroup': (rt) => {
    const id = ok(pm.podman(rt, [...pm.runArgs('-d'), imageName, 'sleep', '1000'])).trim();
    ok(pm.podman(rt, ['pause', id]));
    assert.is(pm.inspect(rt, id, '{{.State.Status}}'), 'paused');
    assert.is(freezerState(pm.cgroupOf(id)), 'frozen');
    ok(pm.podman(rt, ['unpause', id]));
    assert.is(pm.inspect(rt, id, '{{.State.Status}}'), 'running');
    assert.is(freezerState(pm.cgroupOf(id)), 'thawed');
    ok(pm.podman(rt, ['rm', '-f', '-t', '0', id]));
  },

  'top lists the container processes': (rt) => {
    const id = ok(pm.podman(rt, [...pm.runArgs('-d'), imageName, 'sleep', '4242'])).trim();
    const top = ok(pm.podman(rt, ['top', id]));
    assert.match(top, /COMMAND/);
    assert.match(top, 'sleep 4242');
    ok(pm.podman(rt, ['rm', '-f', '-t', '0', id]));
  },

  'kill -s HUP reaches the trap; stop ends a TERM trap': (rt) => {
    const script = 'trap "echo got-hup" HUP; trap "echo got-term; exit 3" TERM; echo ready; while true; do sleep 0.1; done';
    const id = ok(pm.podman(rt, [...pm.runArgs('-d'), imageName, 'sh', '-c', script])).trim();
    waitFor('the traps to be set', () => (/ready/.test(ok(pm.podman(rt, ['logs', id]))) ? true : undefined));
    ok(pm.podman(rt, ['kill', '-s', 'HUP', id]));
    waitFor('the HUP trap', () => (/got-hup/.test(ok(pm.podman(rt, ['logs', id]))) ? true : undefined));
    ok(pm.podman(rt, ['stop', '-t', '10', id]));
    assert.is(pm.inspect(rt, id, '{{.State.ExitCode}}'), '3');
    assert.match(ok(pm.podman(rt, ['logs', id])), 'got-term');
    ok(pm.podman(rt, ['rm', id]));
  },
});
