// Behaviours an engine expects of a runc drop-in, checked from inside the container: the
// working directory and HOME of the process, a read-only /dev, bind sources only the host's
// root can reach in a user namespace, ENOSYS for syscalls newer than a seccomp profile, and
// no bare procfs to mount under --no-pivot.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildHelpers } from '../../conformance/lib/helpers.js';
import type { Spec } from '../../src/spec/types.js';
import { berth, makeBundle, repoRoot, runIn, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';

let sysprobe = '';

test.before(async () => {
  const helpers = await buildHelpers(path.join(repoRoot, 'conformance/helpers'), path.join(repoRoot, 'build/conformance/bin'));
  sysprobe = helpers.sysprobe;
});

function runOwn(spec: Spec, prepare: (rootfs: string) => void, args: string[] = []) {
  const b = makeBundle(spec, { ownRootfs: true });
  try {
    prepare(path.join(b.dir, 'rootfs'));
    return berth(b.root, ['run', ...args, '--bundle', b.dir, uniqueId('parity')]);
  } finally {
    b.cleanup();
  }
}

function withUser(spec: Spec, uid: number, cwd: string, script: string, env = ['PATH=/bin']): Spec {
  spec.process = { ...spec.process!, user: { uid, gid: uid }, cwd, env, args: ['sh', '-c', script] };
  return spec;
}

test('a cwd only root can enter works for another user (chdir before the user switch, as runc)', () => {
  const spec = withUser(minimalSpec(), 1000, '/root', 'pwd; id -u; ls . 2>&1 | grep -c "Permission denied"');
  const r = runOwn(spec, (rootfs) => fs.chmodSync(path.join(rootfs, 'root'), 0o700));
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '/root\n1000\n1\n', 'in /root as uid 1000, which still cannot list it');
});

test('a missing cwd is made, mode 0755', () => {
  const spec = withUser(minimalSpec(), 0, '/work/dir', 'pwd; stat -c %a .; stat -c %a ..');
  const r = runOwn(spec, () => {});
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '/work/dir\n755\n755\n');
});

test('a cwd that cannot be made names /process/cwd and leaves nothing behind', () => {
  const spec = withUser(minimalSpec(), 0, '/etc/passwd/sub', 'true');
  const b = makeBundle(spec);
  const id = uniqueId('badcwd');
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, 'config.json /process/cwd: mkdir /etc/passwd/sub: Not a directory');
    assert.not.ok(fs.existsSync(path.join(b.root, id)), 'no state directory left');
    assert.is(berth(b.root, ['list', '-q']).stdout.trim(), '');
  } finally {
    b.cleanup();
  }
});

test('HOME comes from the container\'s /etc/passwd when process.env has none, else /', () => {
  const home = (uid: number, env?: string[]) => runIn('echo "$HOME"', withUser(minimalSpec(), uid, '/', 'echo "$HOME"', env));
  assert.is(home(0).stdout, '/root\n');
  assert.is(home(65534).stdout, '/nonexistent\n');
  assert.is(home(4321).stdout, '/\n', 'no entry: /');
  assert.is(home(0, ['PATH=/bin', 'HOME=/mine']).stdout, '/mine\n', 'the config\'s HOME wins');
  assert.is(home(0, ['PATH=/bin', 'HOME=']).stdout, '/root\n', 'an empty HOME counts as none, as runc');
});

test('HOME is read after the mounts: a passwd bound over /etc/passwd is the one used', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-passwd-'));
  try {
    fs.writeFileSync(path.join(dir, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nsvc:x:4321:4321::/srv/svc:/bin/sh\n');
    const spec = withUser(minimalSpec(), 4321, '/', 'echo "$HOME"');
    spec.mounts!.push({ destination: '/etc/passwd', type: 'bind', source: path.join(dir, 'passwd'), options: ['bind', 'ro'] });
    const r = runIn('echo "$HOME"', spec);
    assert.is(r.stdout, '/srv/svc\n', r.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a read-only /dev is filled first and made read-only at the end', () => {
  const spec = minimalSpec();
  spec.mounts!.push(
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k', 'ro'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
  );
  spec.process!.terminal = false;
  const r = runIn('grep " /dev " /proc/self/mountinfo | cut -d" " -f6; touch /dev/x 2>&1; echo hi > /dev/null && echo null-ok; grep -c " /dev/pts " /proc/self/mountinfo; touch /dev/shm/y && echo shm-rw', spec);
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /^ro,nosuid/);
  assert.match(lines[1]!, /Read-only file system/);
  assert.equal(lines.slice(2), ['null-ok', '1', 'shm-rw']);
});

test('user namespace: a bind source its root cannot reach is bound by the runtime', () => {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-private-')); // 0700, the host's root
  try {
    fs.chmodSync(top, 0o700);
    fs.mkdirSync(path.join(top, 'data'), { mode: 0o755 });
    fs.writeFileSync(path.join(top, 'data/f'), 'hidden from the mapped root\n', { mode: 0o644 });
    fs.writeFileSync(path.join(top, 'file'), 'a file too\n', { mode: 0o644 });
    const map = [{ containerID: 0, hostID: 100000, size: 65536 }];
    const spec = minimalSpec();
    spec.linux = { ...spec.linux, namespaces: [...spec.linux!.namespaces!, { type: 'user' }], uidMappings: map, gidMappings: map };
    // Targets that exist: the mapped root cannot create anything in the host-owned rootfs.
    spec.mounts!.push(
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] },
      { destination: '/var', type: 'bind', source: path.join(top, 'data'), options: ['rbind', 'ro'] },
      { destination: '/etc/hostname', type: 'bind', source: path.join(top, 'file'), options: ['bind'] },
    );
    const r = runIn('cat /var/f /etc/hostname; touch /var/g 2>&1 | grep -c Read-only', spec);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, 'hidden from the mapped root\na file too\n1\n');
  } finally {
    fs.rmSync(top, { recursive: true, force: true });
  }
});

test('seccomp: a syscall newer than every one the profile names gets ENOSYS, an unlisted old one the default', () => {
  // A profile of the Linux 5.1 era (pidfd_send_signal is its newest syscall), without clone3.
  const allowed = [
    'execve', 'brk', 'arch_prctl', 'set_tid_address', 'set_robust_list', 'rseq', 'prlimit64', 'readlink',
    'readlinkat', 'mprotect', 'mmap', 'munmap', 'uname', 'getrandom', 'newfstatat', 'fstat', 'write', 'exit',
    'exit_group', 'fcntl', 'getpid', 'pidfd_send_signal',
  ];
  const spec = minimalSpec();
  spec.process!.args = ['/sysprobe', 'clone3', 'getpriority', 'getpid'];
  spec.process!.noNewPrivileges = true;
  spec.mounts!.push({ destination: '/sysprobe', type: 'bind', source: sysprobe, options: ['bind', 'ro'] });
  spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], syscalls: [{ names: allowed, action: 'SCMP_ACT_ALLOW' }] };
  const b = makeBundle(spec);
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('enosys')]);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, 'clone3=ENOSYS\ngetpriority=EPERM\ngetpid=ok\n');
  } finally {
    b.cleanup();
  }
});

test('--no-pivot: a nested user and pid namespace cannot mount a fresh procfs', () => {
  const caps = ['CAP_SYS_ADMIN', 'CAP_SETUID', 'CAP_SETGID', 'CAP_SETFCAP'];
  const spec = minimalSpec();
  spec.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
  spec.mounts!.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs' });
  spec.linux!.maskedPaths = ['/proc/kcore', '/proc/keys', '/proc/timer_list'];
  spec.linux!.readonlyPaths = ['/proc/sys'];
  spec.process!.args = ['sh', '-c', "unshare -Urpfm sh -c 'mkdir -p /tmp/p && mount -t proc proc /tmp/p && echo MOUNTED; echo nested-ran'"];
  const b = makeBundle(spec);
  try {
    const r = berth(b.root, ['run', '--no-pivot', '--bundle', b.dir, uniqueId('nopivot-proc')]);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, 'nested-ran\n', 'the nested namespaces were made, the mount refused');
    assert.match(r.stderr, /permission denied/i);
  } finally {
    b.cleanup();
  }
});

test.run();
