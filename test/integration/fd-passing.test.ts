// Descriptors the runtime hands out: the pty master of a terminal container to --console-socket
// and the seccomp notify fd (with the container process state) to linux.seccomp.listenerPath.
// The receiving end is the conformance suite's fdrecv helper (test/helpers/fdrecv.ts).

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Spec } from '../../src/spec/types.js';
import { berth, type Bundle, hostMounts, makeBundle, uniqueId } from '../helpers/berth.js';
import { buildFdrecv, receiver } from '../helpers/fdrecv.js';
import { minimalSpec } from '../helpers/specs.js';

test.before(buildFdrecv);

const within = (p: Promise<void>, ms: number) => Promise.race([p, new Promise<void>((r) => setTimeout(r, ms))]);

/** minimalSpec with the /dev and devpts mounts a terminal needs. */
function terminalSpec(script: string): Spec {
  const spec = minimalSpec();
  spec.process!.terminal = true;
  spec.process!.args = ['sh', '-c', script];
  spec.mounts!.push(
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
  );
  return spec;
}

/** `args` must fail with `pattern` on stderr and leave no state, mount or container behind. */
function failsCleanly(spec: Spec, args: (bundle: string, id: string) => string[], pattern: RegExp | string): void {
  const b = makeBundle(spec);
  const id = uniqueId('fdbad');
  const mountsBefore = hostMounts().split('\n').length;
  try {
    const r = berth(b.root, args(b.dir, id));
    assert.is.not(r.status, 0, 'must fail');
    assert.match(r.stderr, pattern);
    assert.not.ok(fs.existsSync(path.join(b.root, id)), 'no state directory left');
    assert.is(hostMounts().split('\n').length, mountsBefore, 'no mount left');
    assert.is(berth(b.root, ['list', '-q']).stdout.trim(), '');
  } finally {
    b.cleanup();
  }
}

test('terminal: the pty master reaches --console-socket; the process has it as stdio, sized, and as /dev/console', async () => {
  const recv = receiver('console');
  const spec = terminalSpec('test -t 0 && test -t 1 && test -t 2 && echo all-ttys; stty size; tty; stat -L -c "%t:%T" /dev/console /proc/self/fd/0');
  spec.process!.consoleSize = { height: 33, width: 111 };
  const b = makeBundle(spec);
  const id = uniqueId('tty');
  try {
    const c = berth(b.root, ['create', '--bundle', b.dir, '--console-socket', recv.socket, id]);
    assert.is(c.status, 0, c.stderr);
    assert.match(recv.meta(), /^fds=1$/m);
    assert.match(recv.meta(), /^fdlink=\/dev\/pts\/ptmx$/m);
    assert.match(recv.meta(), /^payload=\/dev\/pts\/ptmx$/m);
    // The parked init keeps only its sync socket, never the caller's console connection.
    const init = JSON.parse(berth(b.root, ['state', id]).stdout).pid as number;
    const sockets = fs.readdirSync(`/proc/${init}/fd`).filter((fd) => fs.readlinkSync(`/proc/${init}/fd/${fd}`).startsWith('socket:'));
    assert.is(sockets.length, 1, 'sockets held by the parked init');
    const s = berth(b.root, ['start', id]);
    assert.is(s.status, 0, s.stderr);
    await within(recv.exited, 10_000);
    const out = recv.data();
    assert.match(out, 'all-ttys');
    assert.match(out, '33 111');
    assert.match(out, /\/dev\/pts\/\d+/);
    const [consoleDev, stdinDev] = out.split('\n').filter((l) => /^[0-9a-f]+:[0-9a-f]+$/.test(l.trim()));
    assert.ok(consoleDev && consoleDev === stdinDev, `/dev/console (${consoleDev}) is the pty (${stdinDev})`);
  } finally {
    recv.stop();
    b.cleanup();
  }
});

test('terminal: run --console-socket waits for the container and exits with its status', async () => {
  const recv = receiver('console');
  const b = makeBundle(terminalSpec('test -t 0 && echo tty-in; exit 3'));
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, '--console-socket', recv.socket, uniqueId('ttyrun')]);
    assert.is(r.status, 3, r.stderr);
    await within(recv.exited, 10_000);
    assert.match(recv.data(), 'tty-in');
    assert.is(berth(b.root, ['list', '-q']).stdout.trim(), '');
  } finally {
    recv.stop();
    b.cleanup();
  }
});

test('terminal: run in the foreground without --console-socket proxies the pty to its own stdio', () => {
  const b = makeBundle(terminalSpec('read x; echo got=$x; test -t 0 && test -t 1 && echo tty-in; exit 4'));
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('ttyproxy')], { input: 'hello\n' });
    assert.is(r.status, 4, r.stderr);
    assert.match(r.stdout, 'got=hello');
    assert.match(r.stdout, 'tty-in');
    assert.is(berth(b.root, ['list', '-q']).stdout.trim(), '');
  } finally {
    b.cleanup();
  }
});

test('terminal without --console-socket: create refuses it, nothing left behind', () => {
  failsCleanly(terminalSpec('true'), (bundle, id) => ['create', '--bundle', bundle, id], 'cannot allocate tty if berth will detach without setting console socket');
  failsCleanly(terminalSpec('true'), (bundle, id) => ['run', '--detach', '--bundle', bundle, id], 'console socket');
});

test('a console socket that does not exist: clear error, nothing left behind', () => {
  failsCleanly(terminalSpec('true'), (bundle, id) => ['create', '--bundle', bundle, '--console-socket', '/nonexistent/berth.sock', id],
    /--console-socket \/nonexistent\/berth\.sock: connect .*No such file or directory/);
});

test('--console-socket without process.terminal is refused (runc does the same)', () => {
  failsCleanly(minimalSpec(), (bundle, id) => ['create', '--bundle', bundle, '--console-socket', '/tmp/x.sock', id], 'cannot use console socket');
});

function notifySpec(listenerPath: string, script: string): Spec {
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', script];
  spec.linux!.seccomp = {
    defaultAction: 'SCMP_ACT_ALLOW',
    listenerPath,
    listenerMetadata: 'test-metadata',
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_NOTIFY' }],
  };
  return spec;
}

for (const noNewPrivileges of [false, true]) {
  test(`seccomp notify (noNewPrivileges ${noNewPrivileges}): the listener gets the state and the notify fd during create`, async () => {
    const recv = receiver('seccomp');
    const spec = notifySpec(recv.socket, 'mkdir /tmp/n 2>&1; echo mkdir=$?');
    spec.process!.noNewPrivileges = noNewPrivileges;
    const b = makeBundle(spec);
    const id = uniqueId('notify');
    try {
      const c = berth(b.root, ['create', '--bundle', b.dir, id]);
      assert.is(c.status, 0, c.stderr);
      await within(recv.exited, 5000);
      const meta = recv.meta();
      assert.match(meta, /^fds=1$/m);
      assert.match(meta, /^fdlink=anon_inode:seccomp notify/m);
      assert.match(meta, /^closed=1$/m);
      const doc = JSON.parse(/^payload=(.*)$/m.exec(meta)![1]!);
      assert.equal(doc.fds, ['seccompFd']);
      assert.is(doc.metadata, 'test-metadata');
      assert.is(doc.state.id, id);
      assert.is(doc.state.status, 'creating');
      assert.is(doc.state.bundle, b.dir);
      const state = JSON.parse(berth(b.root, ['state', id]).stdout);
      assert.is(doc.pid, state.pid);
      const s = berth(b.root, ['start', id]);
      assert.is(s.status, 0, s.stderr);
    } finally {
      recv.stop();
      b.cleanup();
    }
  });
}

/**
 * Runs `fn` with `spec` made to join the pid namespace of a parked holder container by path:
 * the guarded create (docs/ARCHITECTURE.md "A create that joins a pid namespace").
 */
async function joiningHolder(spec: Spec, fn: (b: Bundle) => Promise<void>): Promise<void> {
  const holder = minimalSpec();
  holder.process!.args = ['sleep', '600'];
  const hb = makeBundle(holder);
  let b: Bundle | undefined;
  try {
    const hid = uniqueId('holder');
    const h = berth(hb.root, ['create', '--bundle', hb.dir, hid]);
    assert.is(h.status, 0, h.stderr);
    const pid = JSON.parse(berth(hb.root, ['state', hid]).stdout).pid as number;
    spec.linux!.namespaces = spec.linux!.namespaces!.map((n) => (n.type === 'pid' ? { type: 'pid', path: `/proc/${pid}/ns/pid` } : n));
    b = makeBundle(spec);
    await fn(b);
  } finally {
    b?.cleanup();
    hb.cleanup();
  }
}

test('joining a pid namespace: the filter without no_new_privs is loaded before the fork, and the agent is told the init\'s pid', async () => {
  const recv = receiver('seccomp');
  const spec = notifySpec(recv.socket, 'mkdir /tmp/n 2>&1; echo mkdir=$?');
  spec.process!.noNewPrivileges = false;
  try {
    await joiningHolder(spec, async (b) => {
      const id = uniqueId('notifyjoin');
      const c = berth(b.root, ['create', '--bundle', b.dir, id]);
      assert.is(c.status, 0, c.stderr);
      await within(recv.exited, 5000);
      const doc = JSON.parse(/^payload=(.*)$/m.exec(recv.meta())![1]!);
      assert.is(doc.pid, JSON.parse(berth(b.root, ['state', id]).stdout).pid, 'the init\'s pid, not 0');
      assert.is(berth(b.root, ['delete', '--force', id]).status, 0);
    });
  } finally {
    recv.stop();
  }
});

test('joining a pid namespace: the terminal is made before the fork, the init takes it as its controlling terminal', async () => {
  const recv = receiver('console');
  const spec = terminalSpec('test -t 0 && test -t 1 && test -t 2 && echo all-ttys; stty size; tty; id -u; stat -L -c "%t:%T" /dev/console /proc/self/fd/0; echo ctty=$(cut -d" " -f7 /proc/self/stat)');
  spec.process!.consoleSize = { height: 33, width: 111 };
  spec.process!.user = { uid: 1000, gid: 1000 };
  try {
    await joiningHolder(spec, async (b) => {
      const id = uniqueId('ttyjoin');
      const r = berth(b.root, ['run', '--bundle', b.dir, '--console-socket', recv.socket, id]);
      assert.is(r.status, 0, r.stderr);
      await within(recv.exited, 10_000);
      const out = recv.data();
      assert.match(out, 'all-ttys');
      assert.match(out, '33 111');
      assert.match(out, /\/dev\/pts\/\d+/);
      assert.match(out, /^1000\s*$/m);
      const [consoleDev, stdinDev] = out.split('\n').filter((l) => /^[0-9a-f]+:[0-9a-f]+$/.test(l.trim()));
      assert.ok(consoleDev && consoleDev === stdinDev, `/dev/console (${consoleDev}) is the pty (${stdinDev})`);
      assert.not.match(out, /ctty=0\b/, 'a controlling terminal');
    });
  } finally {
    recv.stop();
  }
});

test('seccomp notify: the container sees ENOSYS once the agent has closed the fd', async () => {
  const recv = receiver('seccomp');
  const b = makeBundle(notifySpec(recv.socket, 'mkdir /tmp/n 2>&1; echo mkdir=$?'));
  try {
    // fdrecv exits right after reading the state: by the time mkdir runs, nobody listens.
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('notifyrun')]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /Function not implemented|not implemented/);
    assert.match(r.stdout, 'mkdir=1');
  } finally {
    recv.stop();
    b.cleanup();
  }
});

test('seccomp notify: an unreachable listener fails create, nothing left behind', () => {
  failsCleanly(notifySpec('/nonexistent/agent.sock', 'true'), (bundle, id) => ['create', '--bundle', bundle, id],
    /\/linux\/seccomp\/listenerPath: .*connect \/nonexistent\/agent\.sock: No such file or directory/);
});

test('seccomp notify on sendmsg is refused: the runtime needs it to pass the fd', () => {
  const spec = notifySpec('/tmp/agent.sock', 'true');
  spec.linux!.seccomp!.syscalls![0]!.names = ['sendmsg'];
  failsCleanly(spec, (bundle, id) => ['create', '--bundle', bundle, id], '/linux/seccomp/syscalls/0/names/0');
});

test.run();
