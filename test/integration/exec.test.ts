// `berth exec` through dist/berth on real containers: the process is checked from inside
// (namespaces, identity, capabilities, seccomp, terminal, cgroup), its status and signals
// from outside, and every refusal for what it leaves behind (nothing).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Spec } from '../../src/spec/types.js';
import { berth, berthBin, makeBundle, sleepMs, stateOf, uniqueId, type Bundle } from '../helpers/berth.js';
import { buildFdrecv, receiver } from '../helpers/fdrecv.js';
import { minimalSpec } from '../helpers/specs.js';

test.before(buildFdrecv);

interface Running {
  b: Bundle;
  id: string;
  pid: number;
  done(): void;
}

/** A detached container whose init sleeps; `done` kills and deletes it. */
function running(tag: string, change?: (spec: Spec) => void): Running {
  const spec = minimalSpec();
  spec.process!.args = ['sleep', '1000'];
  spec.mounts!.push(
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
    { destination: '/tmp', type: 'tmpfs', source: 'tmpfs' },
  );
  change?.(spec);
  const b = makeBundle(spec);
  const id = uniqueId(tag);
  const r = berth(b.root, ['run', '-d', '--bundle', b.dir, id]);
  assert.is(r.status, 0, r.stderr);
  return {
    b,
    id,
    pid: stateOf(b.root, id).pid,
    done() {
      berth(b.root, ['delete', '--force', id]);
      b.cleanup();
    },
  };
}

/** `berth exec [flags] ID sh -c script` */
function sh(c: Running, script: string, flags: string[] = []) {
  return berth(c.b.root, ['exec', ...flags, c.id, 'sh', '-c', script]);
}

const cgroupPids = (c: Running) => {
  const st = JSON.parse(fs.readFileSync(path.join(c.b.root, c.id, 'state.json'), 'utf8'));
  const dir = st.cgroup.paths['pids'] ?? st.cgroup.paths['memory'] ?? Object.values(st.cgroup.paths)[0];
  return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').trim().split('\n').filter(Boolean).map(Number);
};

test('exec joins every namespace of the init: hostname, pid namespace (init is 1), mounts', () => {
  const c = running('ns');
  try {
    const r = sh(c, 'hostname; cat /proc/1/cmdline | tr "\\0" " "; echo; echo self=$$; for n in pid mnt uts ipc; do [ "$(readlink /proc/self/ns/$n)" = "$(readlink /proc/1/ns/$n)" ] && echo same-$n; done; grep -c " /tmp " /proc/self/mountinfo');
    assert.is(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.is(lines[0], 'berth-test');
    assert.is(lines[1]!.trim(), 'sleep 1000');
    assert.ok(Number(lines[2]!.slice(5)) > 1, 'a pid of the container\'s namespace');
    assert.equal(lines.slice(3, 7), ['same-pid', 'same-mnt', 'same-uts', 'same-ipc']);
    assert.is(lines[7], '1', 'the container\'s /tmp mount is there');
    // and the host sees the process in the container's cgroup while it runs
    const d = berth(c.b.root, ['exec', '-d', c.id, 'sleep', '30']);
    assert.is(d.status, 0, d.stderr);
    assert.is(cgroupPids(c).length, 2);
  } finally {
    c.done();
  }
});

test('exec flags: --cwd, --env, --user, --additional-gids, --cap, --no-new-privs', () => {
  const c = running('flags');
  try {
    const r = sh(c, 'pwd; echo "$A $PATH"; id -u; id -g; id -G; grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status',
      ['--cwd', '/tmp', '-e', 'A=1', '--env', 'PATH=/bin', '-u', '1000:1001', '-g', '5', '--additional-gids', '6']);
    assert.is(r.status, 0, r.stderr);
    const [cwd, env, uid, gid, groups] = r.stdout.split('\n');
    assert.is(cwd, '/tmp');
    assert.is(env, '1 /bin', '--env appends, and a repeated name overrides the config\'s');
    assert.is(uid, '1000');
    assert.is(gid, '1001');
    assert.equal(groups!.split(' ').sort(), ['1001', '5', '6']);
    assert.match(r.stdout, /CapEff:\s+0+\n/, 'a non-root user keeps no effective capabilities');
    assert.match(r.stdout, /NoNewPrivs:\s+0/);
    const caps = sh(c, 'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status', ['--cap', 'CAP_SYS_ADMIN', '--no-new-privs']);
    assert.is(caps.status, 0, caps.stderr);
    // CAP_KILL (5) from the config plus CAP_SYS_ADMIN (21)
    assert.match(caps.stdout, /CapEff:\s+0+200020\n/);
    assert.match(caps.stdout, /CapBnd:\s+0+200020\n/);
    assert.match(caps.stdout, /NoNewPrivs:\s+1/);
    const bad = sh(c, 'true', ['-u', 'root']);
    assert.is(bad.status, 255);
    assert.match(bad.stderr, 'invalid uid');
  } finally {
    c.done();
  }
});

test('exec: exit status, 128+N for a signal, signals forwarded to the process', async () => {
  const c = running('status');
  try {
    assert.is(sh(c, 'exit 7').status, 7);
    assert.is(sh(c, 'kill -TERM $$').status, 128 + 15);
    const child = spawn(berthBin, ['--root', c.b.root, 'exec', c.id, 'sh', '-c', 'trap "exit 42" USR1; echo ready; while :; do sleep 0.05; done'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGUSR1');
    assert.is(await exited, 42);
  } finally {
    c.done();
  }
});

test('exec --detach --pid-file: returns while the process runs; the file holds its host pid in digits', () => {
  const c = running('detach');
  const pidFile = path.join(c.b.dir, 'exec.pid');
  try {
    const r = berth(c.b.root, ['exec', '--detach', '--pid-file', pidFile, c.id, 'sleep', '100']);
    assert.is(r.status, 0, r.stderr);
    const text = fs.readFileSync(pidFile, 'utf8');
    assert.match(text, /^\d+$/);
    const pid = Number(text);
    assert.is(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), 'sleep\x00100\x00');
    assert.is(fs.readlinkSync(`/proc/${pid}/ns/pid`), fs.readlinkSync(`/proc/${c.pid}/ns/pid`));
    assert.ok(cgroupPids(c).includes(pid));
  } finally {
    c.done();
  }
});

test('exec --preserve-fds: fd 3 reaches the process', () => {
  const c = running('fds');
  const file = path.join(c.b.dir, 'fd3');
  const fd = fs.openSync(file, 'w');
  try {
    const r = spawnSync(berthBin, ['--root', c.b.root, 'exec', '--preserve-fds', '1', c.id, 'sh', '-c', 'echo via-fd3 >&3'], { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.is(fs.readFileSync(file, 'utf8'), 'via-fd3\n');
    const without = spawnSync(berthBin, ['--root', c.b.root, 'exec', c.id, 'sh', '-c', 'echo x >&3'], { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8' });
    assert.is.not(without.status, 0, 'without the flag fd 3 is closed');
  } finally {
    fs.closeSync(fd);
    c.done();
  }
});

test('exec --cgroup: the process lands in an existing sub-cgroup', () => {
  const c = running('subcg');
  const st = JSON.parse(fs.readFileSync(path.join(c.b.root, c.id, 'state.json'), 'utf8'));
  const cpu = st.cgroup.paths['cpu'] ?? st.cgroup.paths[''];
  const sub = path.join(cpu, 'sub');
  try {
    fs.mkdirSync(sub);
    const r = berth(c.b.root, ['exec', '--cgroup', `${st.cgroup.version === 1 ? 'cpu' : ''}${st.cgroup.version === 1 ? ':' : ''}sub`, c.id, 'sh', '-c', 'cat /proc/self/cgroup']);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /cpu[^\n]*\/sub\n/);
    const missing = berth(c.b.root, ['exec', '--cgroup', 'nope', c.id, 'true']);
    assert.is(missing.status, 255);
    assert.match(missing.stderr, /nope does not exist/);
  } finally {
    c.done();
    fs.rmSync(sub, { recursive: true, force: true });
    try {
      fs.rmdirSync(sub);
    } catch {
      // gone with the container
    }
  }
});

test('exec --tty --console-socket: a new pty from the container devpts as stdio; /dev/console not bound', async () => {
  const c = running('tty');
  const recv = receiver('console');
  try {
    // /dev/tty opens only for a process with a controlling terminal; the session is the process's own.
    const script = 'test -t 0 && test -t 1 && echo all-ttys; tty; : </dev/tty && echo controlling; '
      + '[ "$(cut -d" " -f6 /proc/$$/stat)" = $$ ] && echo session-leader; test -e /dev/console && echo console-there; exit 3';
    const r = berth(c.b.root, ['exec', '-t', '--console-socket', recv.socket, c.id, 'sh', '-c', script]);
    assert.is(r.status, 3, r.stderr);
    await Promise.race([recv.exited, new Promise((r2) => setTimeout(r2, 10_000))]);
    assert.match(recv.meta(), /^fds=1$/m);
    const out = recv.data();
    assert.match(out, 'all-ttys');
    assert.match(out, /\/dev\/pts\/\d+/);
    assert.match(out, 'controlling');
    assert.match(out, 'session-leader');
    assert.not.match(out, 'console-there');
    const noSocket = berth(c.b.root, ['exec', '-t', '-d', c.id, 'true']);
    assert.is(noSocket.status, 255);
    assert.match(noSocket.stderr, 'cannot allocate tty');
  } finally {
    recv.stop();
    c.done();
  }
});

test('exec --process: docker\'s process document (the shape dockerd sends); schema errors name the path', () => {
  const c = running('proc');
  const file = path.join(c.b.dir, 'process.json');
  const caps = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];
  const doc = {
    terminal: false,
    user: { uid: 0, gid: 0, additionalGids: [0] },
    args: ['sh', '-c', 'echo "docker-exec $HOSTNAME"; grep CapEff /proc/self/status'],
    env: ['PATH=/bin', 'HOSTNAME=9b0ba03549b7', 'TERM=xterm'],
    cwd: '/',
    capabilities: { bounding: caps, effective: caps, permitted: caps },
    oomScoreAdj: 0,
  };
  try {
    fs.writeFileSync(file, JSON.stringify(doc));
    const pidFile = path.join(c.b.dir, 'p.pid');
    const r = berth(c.b.root, ['exec', '--process', file, '--pid-file', pidFile, c.id]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, 'docker-exec 9b0ba03549b7');
    assert.match(r.stdout, /CapEff:\s+0+a80425fb/);
    fs.writeFileSync(file, JSON.stringify({ ...doc, user: { uid: 'root', gid: 0 } }));
    const bad = berth(c.b.root, ['exec', '--process', file, c.id]);
    assert.is(bad.status, 255);
    assert.match(bad.stderr, `--process ${file} /user/uid: \\"root\\" is a string, but must be an integer`);
    fs.writeFileSync(file, '{"user": ');
    assert.match(berth(c.b.root, ['exec', '-p', file, c.id]).stderr, 'not valid JSON');
    assert.equal(cgroupPids(c), [c.pid], 'nothing left running');
  } finally {
    c.done();
  }
});

test('exec: the container\'s seccomp filter applies to the exec\'d process', () => {
  const c = running('seccomp', (spec) => {
    spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
  });
  try {
    const r = sh(c, 'mkdir /tmp/x 2>&1; echo rc=$?; grep Seccomp: /proc/self/status');
    assert.match(r.stdout, 'Permission denied');
    assert.match(r.stdout, /rc=1/);
    assert.match(r.stdout, /Seccomp:\s+2/);
  } finally {
    c.done();
  }
});

for (const noNewPrivileges of [false, true]) {
  test(`exec with a seccomp notify listener (noNewPrivileges ${noNewPrivileges}): the agent gets the exec'd process's pid and fd`, async () => {
    // The config's listenerPath is a symlink: create's agent, then exec's.
    const links = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-agent-'));
    const agent = path.join(links, 'agent.sock');
    let recv = receiver('seccomp');
    fs.symlinkSync(recv.socket, agent);
    const c = running(`notify-${noNewPrivileges}`, (spec) => {
      spec.process!.noNewPrivileges = noNewPrivileges;
      spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: agent, syscalls: [{ names: ['mkdirat', 'mkdir'], action: 'SCMP_ACT_NOTIFY' }] };
    });
    try {
      recv.stop();
      recv = receiver('seccomp');
      fs.rmSync(agent);
      fs.symlinkSync(recv.socket, agent);
      const pidFile = path.join(c.b.dir, 'exec.pid');
      const r = berth(c.b.root, ['exec', '--pid-file', pidFile, c.id, 'sh', '-c', 'mkdir /tmp/n 2>&1; echo mkdir=$?; grep NoNewPrivs /proc/self/status']);
      assert.is(r.status, 0, r.stderr);
      await Promise.race([recv.exited, new Promise((r2) => setTimeout(r2, 10_000))]);
      const meta = recv.meta();
      assert.match(meta, /^fdlink=anon_inode:seccomp notify/m);
      const doc = JSON.parse(/^payload=(.*)$/m.exec(meta)![1]!);
      assert.is(doc.pid, Number(fs.readFileSync(pidFile, 'utf8')), 'the exec\'d process, not the first stage');
      assert.match(r.stdout, 'mkdir=1', 'the agent closed its fd: ENOSYS');
      assert.match(r.stdout, new RegExp(`NoNewPrivs:\\s+${noNewPrivileges ? 1 : 0}`));
    } finally {
      recv.stop();
      c.done();
      fs.rmSync(links, { recursive: true, force: true });
    }
  });
}

test('exec into a user namespace as another user: oom_score_adj, rlimits, a cwd only root may enter, no capabilities', () => {
  const c = running('userns', (spec) => {
    spec.linux!.namespaces = [{ type: 'user' }, { type: 'mount' }, { type: 'pid' }, { type: 'uts' }, { type: 'ipc' }];
    spec.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    spec.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  });
  const file = path.join(c.b.dir, 'process.json');
  try {
    assert.is(sh(c, 'mkdir -p /tmp/r && chmod 700 /tmp/r').status, 0);
    fs.writeFileSync(file, JSON.stringify({
      user: { uid: 1000, gid: 1000 },
      args: ['sh', '-c', 'cat /proc/self/oom_score_adj; ulimit -n; pwd; id -u; grep CapEff /proc/self/status'],
      env: ['PATH=/bin'],
      cwd: '/tmp/r',
      oomScoreAdj: 123,
      // Low enough that a first stage still holding the runtime's descriptors could open none.
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 8, hard: 8 }],
    }));
    // The first stage enters the cwd as root before the user switch; the process inherits it.
    const ok = berth(c.b.root, ['exec', '--process', file, c.id]);
    assert.is(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout.trim().split('\n'), ['123', '8', '/tmp/r', '1000', 'CapEff:\t0000000000000000']);
  } finally {
    c.done();
  }
});

test('exec of a SCHED_DEADLINE process: set by the forked process (a deadline task cannot fork), which needs CAP_SYS_NICE', () => {
  const c = running('deadline');
  const file = path.join(c.b.dir, 'process.json');
  const doc = (caps: string[]) => JSON.stringify({
    user: { uid: 0, gid: 0 }, cwd: '/', env: ['PATH=/bin'], args: ['cat', '/proc/self/sched'],
    capabilities: { bounding: caps, effective: caps, permitted: caps },
    scheduler: { policy: 'SCHED_DEADLINE', runtime: 1000000, deadline: 10000000, period: 10000000 },
  });
  try {
    fs.writeFileSync(file, doc(['CAP_SYS_NICE']));
    const r = berth(c.b.root, ['exec', '--process', file, c.id]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /^policy\s+:\s+6$/m);
    fs.writeFileSync(file, doc([]));
    const refused = berth(c.b.root, ['exec', '--process', file, c.id]);
    assert.is(refused.status, 255);
    assert.match(refused.stderr, '/process/scheduler: sched_setattr: Operation not permitted');
    assert.equal(cgroupPids(c), [c.pid], 'nothing left running');
  } finally {
    c.done();
  }
});

test('exec refusals leave nothing behind: stopped, paused, missing executable, bad cwd', () => {
  const c = running('refuse');
  const pidFile = path.join(c.b.dir, 'never.pid');
  try {
    const missing = berth(c.b.root, ['exec', '--pid-file', pidFile, c.id, 'no-such-program']);
    assert.is(missing.status, 255);
    assert.match(missing.stderr, 'exec failed: exec: \\"no-such-program\\": executable file not found in $PATH');
    const cwd = berth(c.b.root, ['exec', '--pid-file', pidFile, '--cwd', '/nonexistent', c.id, 'true']);
    assert.is(cwd.status, 255);
    assert.match(cwd.stderr, 'exec failed: exec process (config.json with the exec flags) /process/cwd: chdir /nonexistent: No such file or directory');
    assert.not.ok(fs.existsSync(pidFile), 'no pid file');
    assert.equal(cgroupPids(c), [c.pid], 'no process left');

    assert.is(berth(c.b.root, ['pause', c.id]).status, 0);
    const paused = berth(c.b.root, ['exec', c.id, 'true']);
    assert.is(paused.status, 255);
    assert.match(paused.stderr, 'exec failed: cannot exec in a paused container (use --ignore-paused to override)');
    assert.is(berth(c.b.root, ['resume', c.id]).status, 0);

    assert.is(berth(c.b.root, ['kill', c.id, 'KILL']).status, 0);
    for (let i = 0; i < 300 && stateOf(c.b.root, c.id).status !== 'stopped'; i++) sleepMs(10);
    const stopped = berth(c.b.root, ['exec', '--pid-file', pidFile, c.id, 'true']);
    assert.is(stopped.status, 255);
    assert.match(stopped.stderr, 'exec failed: cannot exec in a stopped container');
    assert.not.ok(fs.existsSync(pidFile));
  } finally {
    c.done();
  }
});

test.run();
