// Docker driving berth (registered in daemon.json `runtimes`) and, as the reference, runc:
// run (attached, detached, --rm, -t, -it), exec, top, pause/unpause, update, stats, stop,
// kill -s, restart, logs, --read-only, --cap-drop, no-new-privileges, --tmpfs, -v, --pid container:X.
// Each effect is checked from inside the container where it can be.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { freezerState, resourceLimits } from '../helpers/engines/cgroup-files.js';
import { DockerEngine } from '../helpers/engines/docker.js';
import { imageName } from '../helpers/engines/images.js';
import { ok, waitFor } from '../helpers/engines/run-cmd.js';
import { defineScenarios } from '../helpers/engines/scenario.js';

const dk = new DockerEngine();

/** CapEff of the container's process, as a bigint. */
function capEff(out: string): bigint {
  const m = /CapEff:\s*([0-9a-f]+)/.exec(out);
  assert.ok(m, `no CapEff in: ${out}`);
  return BigInt(`0x${m![1]}`);
}

defineScenarios(dk, {
  'run attached --rm: output, exit status, removal': (rt) => {
    const r = dk.docker([...dk.runArgs(rt, '--rm'), imageName, 'sh', '-c', 'echo to-out; echo to-err >&2; exit 3']);
    assert.is(r.status, 3, r.stderr);
    assert.is(r.stdout, 'to-out\n');
    assert.match(r.stderr, 'to-err');
    assert.is(ok(dk.docker(['ps', '-aq'])), '');
  },

  'run -d, logs, stop (TERM handled), rm': (rt) => {
    const script = 'echo started; echo warned >&2; trap "echo got-term; exit 3" TERM; while true; do sleep 0.1; done';
    const id = dk.detached(rt, ['sh', '-c', script]);
    waitFor('the container to log', () => (/started/.test(ok(dk.docker(['logs', id]))) ? true : undefined));
    assert.is(dk.inspect(id, '{{.State.Status}}'), 'running');
    ok(dk.docker(['stop', '-t', '10', id]));
    assert.is(dk.inspect(id, '{{.State.ExitCode}}'), '3');
    const logs = dk.docker(['logs', id]);
    assert.is(logs.stdout, 'started\ngot-term\n');
    assert.is(logs.stderr, 'warned\n');
    ok(dk.docker(['rm', id]));
  },

  'stop of a container ignoring TERM kills it after the timeout': (rt) => {
    const id = dk.detached(rt, ['sh', '-c', 'trap "" TERM; echo ready; while true; do sleep 0.1; done']);
    waitFor('the trap to be set', () => (/ready/.test(ok(dk.docker(['logs', id]))) ? true : undefined));
    ok(dk.docker(['stop', '-t', '1', id]));
    assert.is(dk.inspect(id, '{{.State.ExitCode}}'), '137');
    ok(dk.docker(['rm', id]));
  },

  'run -t prints its terminal': (rt) => {
    const r = dk.dockerOnTerminal([...dk.runArgs(rt, '--rm', '-t'), imageName, 'sh', '-c', 'tty; stty size >/dev/null && echo has-winsize']);
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\/dev\/pts\/\d+/);
    assert.match(r.stdout, 'has-winsize');
  },

  'run -it reads the terminal': (rt) => {
    const r = dk.dockerOnTerminal([...dk.runArgs(rt, '--rm', '-i', '-t'), imageName, 'sh'], { input: 'echo "typed-$((6*7))"; exit 7\n' });
    assert.is(r.status, 7, r.stdout + r.stderr);
    assert.match(r.stdout, 'typed-42');
  },

  'exec -u, -w, -e, -t': (rt) => {
    const id = dk.detached(rt);
    assert.is(ok(dk.docker(['exec', '-u', '65534:65534', id, 'id', '-u'])).trim(), '65534');
    assert.is(ok(dk.docker(['exec', '-w', '/tmp', id, 'pwd'])).trim(), '/tmp');
    assert.is(ok(dk.docker(['exec', '-e', 'GREETING=hello', id, 'sh', '-c', 'echo $GREETING'])).trim(), 'hello');
    const t = dk.dockerOnTerminal(['exec', '-t', id, 'tty']);
    assert.is(t.status, 0, t.stdout + t.stderr);
    assert.match(t.stdout, /\/dev\/pts\/\d+/);
    const failing = dk.docker(['exec', id, 'sh', '-c', 'exit 5']);
    assert.is(failing.status, 5, failing.stderr);
    ok(dk.docker(['rm', '-f', id]));
  },

  'top lists the container processes': (rt) => {
    const id = dk.detached(rt, ['sleep', '4242']);
    const top = ok(dk.docker(['top', id]));
    assert.match(top, /PID/);
    assert.match(top, 'sleep 4242');
    ok(dk.docker(['rm', '-f', id]));
  },

  'run --pid container:X joins its pid namespace (a joining create with Docker\'s prestart hook)': (rt) => {
    const id = dk.detached(rt, ['sleep', '4243']);
    const r = dk.docker([...dk.runArgs(rt, '--rm', '--pid', `container:${id}`), imageName, 'sh', '-c', 'tr "\\0" " " < /proc/1/cmdline; echo; ls /proc | grep -c "^[0-9]"']);
    assert.is(r.status, 0, r.stderr);
    const [cmdline, count] = r.stdout.trim().split('\n');
    assert.is(cmdline!.trim(), 'sleep 4243', 'pid 1 is the other container\'s');
    assert.ok(Number(count) >= 2, r.stdout);
    ok(dk.docker(['rm', '-f', id]));
  },

  'pause and unpause freeze and thaw the cgroup': (rt) => {
    const id = dk.detached(rt);
    ok(dk.docker(['pause', id]));
    assert.is(dk.inspect(id, '{{.State.Status}}'), 'paused');
    assert.is(freezerState(dk.cgroupOf(id)), 'frozen');
    ok(dk.docker(['unpause', id]));
    assert.is(dk.inspect(id, '{{.State.Status}}'), 'running');
    assert.is(freezerState(dk.cgroupOf(id)), 'thawed');
    ok(dk.docker(['rm', '-f', id]));
  },

  'update --memory --cpus --pids-limit reaches the cgroup': (rt) => {
    const id = dk.detached(rt);
    ok(dk.docker(['update', '--memory', '64m', '--memory-swap', '128m', '--cpus', '0.5', '--pids-limit', '50', id]));
    const limits = resourceLimits(dk.cgroupOf(id));
    assert.is(limits.memory, String(64 * 1024 * 1024));
    assert.match(limits.cpu ?? '', /^50000 100000$/);
    assert.is(limits.pids, '50');
    // Seen from inside: the pids limit holds for the container's own processes.
    assert.is(ok(dk.docker(['exec', id, 'sh', '-c', 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'])).trim(), '50');
    ok(dk.docker(['rm', '-f', id]));
  },

  'stats --no-stream reads the cgroup': (rt) => {
    const id = dk.detached(rt);
    const out = ok(dk.docker(['stats', '--no-stream', '--format', '{{.ID}} {{.PIDs}} {{.MemUsage}}', id])).trim();
    const [shortId, pids, mem] = out.split(' ');
    assert.ok(id.startsWith(shortId), out);
    assert.is(pids, '1', out);
    assert.not.match(mem, /^0B$/, out);
    ok(dk.docker(['rm', '-f', id]));
  },

  'kill -s HUP reaches the trap, kill ends it': (rt) => {
    const id = dk.detached(rt, ['sh', '-c', 'trap "echo got-hup" HUP; echo ready; while true; do sleep 0.1; done']);
    waitFor('the trap to be set', () => (/ready/.test(ok(dk.docker(['logs', id]))) ? true : undefined));
    ok(dk.docker(['kill', '-s', 'HUP', id]));
    waitFor('the HUP trap', () => (/got-hup/.test(ok(dk.docker(['logs', id]))) ? true : undefined));
    assert.is(dk.inspect(id, '{{.State.Status}}'), 'running');
    ok(dk.docker(['kill', id]));
    waitFor('the container to stop', () => (dk.inspect(id, '{{.State.Status}}') === 'exited' ? true : undefined));
    assert.is(dk.inspect(id, '{{.State.ExitCode}}'), '137');
    ok(dk.docker(['rm', id]));
  },

  'restart, then exec into the new init': (rt) => {
    const id = dk.detached(rt);
    const firstPid = dk.inspect(id, '{{.State.Pid}}');
    ok(dk.docker(['restart', '-t', '1', id]));
    assert.is(dk.inspect(id, '{{.State.Status}}'), 'running');
    assert.is.not(dk.inspect(id, '{{.State.Pid}}'), firstPid);
    assert.is(ok(dk.docker(['exec', id, 'echo', 'after-restart'])).trim(), 'after-restart');
    ok(dk.docker(['rm', '-f', id]));
  },

  '--read-only root: writes fail, except on --tmpfs': (rt) => {
    const r = dk.docker([...dk.runArgs(rt, '--rm', '--read-only', '--tmpfs', '/scratch:size=1m'), imageName, 'sh', '-c',
      'touch /x 2>&1; echo data > /scratch/f && cat /scratch/f; grep " /scratch " /proc/mounts']);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /Read-only file system/);
    assert.match(r.stdout, /^data$/m);
    assert.match(r.stdout, /^tmpfs \/scratch tmpfs rw,.*size=1024k/m);
  },

  '--cap-drop removes the capabilities': (rt) => {
    const plain = dk.docker([...dk.runArgs(rt, '--rm'), imageName, 'grep', 'CapEff', '/proc/self/status']);
    const dropped = dk.docker([...dk.runArgs(rt, '--rm', '--cap-drop', 'CHOWN', '--cap-drop', 'NET_RAW'), imageName, 'sh', '-c',
      'grep CapEff /proc/self/status; chown 65534 /tmp 2>&1 || echo chown-refused']);
    assert.is(dropped.status, 0, dropped.stderr);
    const chown = 1n << 0n;
    const netRaw = 1n << 13n;
    assert.is(capEff(ok(plain)) & (chown | netRaw), chown | netRaw);
    assert.is(capEff(dropped.stdout) & (chown | netRaw), 0n);
    assert.is(capEff(dropped.stdout), capEff(plain.stdout) & ~(chown | netRaw));
    assert.match(dropped.stdout, 'chown-refused');
  },

  '--security-opt no-new-privileges sets NoNewPrivs': (rt) => {
    const plain = ok(dk.docker([...dk.runArgs(rt, '--rm'), imageName, 'grep', 'NoNewPrivs', '/proc/self/status']));
    const nnp = ok(dk.docker([...dk.runArgs(rt, '--rm', '--security-opt', 'no-new-privileges'), imageName, 'grep', 'NoNewPrivs', '/proc/self/status']));
    assert.match(plain, /NoNewPrivs:\s+0/);
    assert.match(nnp, /NoNewPrivs:\s+1/);
  },

  '-v binds a host directory, :ro refuses writes': (rt) => {
    const host = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-engines-bind-'));
    try {
      fs.writeFileSync(path.join(host, 'from-host'), 'host-data\n');
      const rw = dk.docker([...dk.runArgs(rt, '--rm', '-v', `${host}:/data`), imageName, 'sh', '-c', 'cat /data/from-host; echo container-data > /data/from-container']);
      assert.is(rw.status, 0, rw.stderr);
      assert.is(rw.stdout, 'host-data\n');
      assert.is(fs.readFileSync(path.join(host, 'from-container'), 'utf8'), 'container-data\n');
      const ro = dk.docker([...dk.runArgs(rt, '--rm', '-v', `${host}:/data:ro`), imageName, 'sh', '-c', 'cat /data/from-host; touch /data/x 2>&1; true']);
      assert.is(ro.status, 0, ro.stderr);
      assert.match(ro.stdout, /host-data\n.*Read-only file system/s);
      assert.not.ok(fs.existsSync(path.join(host, 'x')));
    } finally {
      fs.rmSync(host, { recursive: true, force: true });
    }
  },
});
