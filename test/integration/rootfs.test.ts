// Rootfs and mounts, observed from inside the container and from the host.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, hostMounts, makeBundle, runIn, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';

test('the container sees its rootfs as / and its configured mounts', () => {
  const spec = minimalSpec();
  spec.mounts!.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'size=1m', 'mode=1777'] });
  const r = runIn('ls /bin/busybox && grep " /tmp " /proc/self/mountinfo', spec);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /\/tmp rw,nosuid,nodev.* - tmpfs tmpfs rw,size=1024k/);
});

test('root.readonly makes / read-only, masked paths are empty, read-only paths refuse writes', () => {
  const spec = minimalSpec({
    root: { path: 'rootfs', readonly: true },
    linux: {
      namespaces: [{ type: 'mount' }, { type: 'pid' }, { type: 'uts' }],
      maskedPaths: ['/proc/timer_list', '/proc/acpi', '/does/not/exist'],
      readonlyPaths: ['/proc/sys'],
    },
  });
  const r = runIn('touch /x 2>&1; wc -c < /proc/timer_list; ls /proc/acpi | wc -l; (echo 1 > /proc/sys/kernel/ns_last_pid) 2>&1; echo done', spec);
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /Read-only file system/);
  assert.is(lines[1]!.trim(), '0');
  assert.is(lines[2]!.trim(), '0');
  assert.match(lines[3]!, /Read-only file system/);
  assert.is(lines[4], 'done');
});

test('default devices, the /dev links and linux.devices', () => {
  const spec = minimalSpec();
  spec.mounts!.push({ destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] });
  spec.linux!.devices = [{ type: 'c', path: '/dev/fuse-like', major: 1, minor: 3, fileMode: 0o600, uid: 5, gid: 6 }];
  const r = runIn('for d in null zero full random urandom tty fuse-like; do stat -c "%n %t:%T %a %u:%g" /dev/$d; done; for l in fd stdin ptmx; do readlink /dev/$l; done; echo x > /dev/null && echo ok', spec);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, '/dev/null 1:3 666 0:0');
  assert.match(r.stdout, '/dev/tty 5:0 666 0:0');
  assert.match(r.stdout, '/dev/fuse-like 1:3 600 5:6');
  assert.match(r.stdout, '/proc/self/fd\n/proc/self/fd/0\npts/ptmx\nok');
});

test('sysctl is applied inside the container namespaces', () => {
  const spec = minimalSpec();
  spec.linux!.sysctl = { 'kernel.msgmax': '4321' };
  const r = runIn('cat /proc/sys/kernel/msgmax', spec);
  assert.is(r.stdout.trim(), '4321', r.stderr);
  assert.is.not(fs.readFileSync('/proc/sys/kernel/msgmax', 'utf8').trim(), '4321', 'the host keeps its value');
});

test('bind mounts: a file and a read-only directory, created when missing', () => {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-src-'));
  fs.writeFileSync(path.join(src, 'f'), 'from host\n');
  try {
    const spec = minimalSpec();
    spec.mounts!.push(
      { destination: '/mnt/data', type: 'bind', source: src, options: ['rbind', 'ro'] },
      { destination: '/etc/greeting', type: 'bind', source: path.join(src, 'f'), options: ['bind'] },
    );
    const r = runIn('cat /mnt/data/f; cat /etc/greeting; touch /mnt/data/g 2>&1 | grep -c Read-only', spec);
    assert.is(r.stdout.trim(), 'from host\nfrom host\n1', r.stderr);
  } finally {
    fs.rmSync(src, { recursive: true, force: true });
  }
});

test('a symlink in the rootfs cannot place a mount on the host', () => {
  const hostTarget = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-target-'));
  const spec = minimalSpec();
  // /evil -> <hostTarget> (absolute): resolved inside the rootfs, it names <rootfs><hostTarget>.
  spec.process!.args = ['sh', '-c', `grep -c " ${hostTarget}/sub " /proc/self/mountinfo`];
  spec.mounts!.push({ destination: '/evil/sub', type: 'tmpfs', source: 'tmpfs' });
  const b = makeBundle(spec, { ownRootfs: true });
  fs.symlinkSync(hostTarget, path.join(b.dir, 'rootfs/evil'));
  fs.mkdirSync(path.join(b.dir, 'rootfs', hostTarget), { recursive: true });
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('symlink')]);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.trim(), '1', 'mounted inside the rootfs, where the symlink points from within it');
    assert.not.match(hostMounts(), hostTarget, 'nothing mounted on the host target');
    assert.equal(fs.readdirSync(hostTarget), [], 'nothing created on the host target');
  } finally {
    b.cleanup();
    fs.rmSync(hostTarget, { recursive: true, force: true });
  }
});

test('a dangling symlink in the rootfs fails the mount instead of escaping', () => {
  const hostTarget = path.join(os.tmpdir(), `berth-test-dangling-${process.pid}`);
  const spec = minimalSpec();
  spec.mounts!.push({ destination: '/evil/sub', type: 'tmpfs', source: 'tmpfs' });
  const b = makeBundle(spec, { ownRootfs: true });
  fs.symlinkSync(hostTarget, path.join(b.dir, 'rootfs/evil'));
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('dangling')]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, '/mounts/1');
    assert.not.ok(fs.existsSync(hostTarget), 'nothing created on the host');
  } finally {
    b.cleanup();
  }
});

test('a ".." destination stays inside the rootfs', () => {
  const spec = minimalSpec();
  spec.mounts!.push({ destination: '/../../../berth-escape', type: 'tmpfs', source: 'tmpfs' });
  const r = runIn('grep -c " /berth-escape " /proc/self/mountinfo', spec);
  assert.is(r.stdout.trim(), '1', r.stderr);
  assert.not.ok(fs.existsSync('/berth-escape'));
});

test('the container is placed in its cgroup and the cgroup is removed on delete', () => {
  const id = uniqueId('cg');
  const spec = minimalSpec();
  spec.linux!.cgroupsPath = `/berth-test/${id}`;
  spec.process!.args = ['sh', '-c', 'cat /proc/self/cgroup'];
  const b = makeBundle(spec);
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, id]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`:memory:/berth-test/${id}`));
    assert.not.ok(fs.existsSync(`/sys/fs/cgroup/memory/berth-test/${id}`));
  } finally {
    b.cleanup();
    // The driver removes only the container's own cgroup (as runc): the parent is ours to tidy.
    for (const ctl of fs.readdirSync('/sys/fs/cgroup')) {
      try {
        fs.rmdirSync(`/sys/fs/cgroup/${ctl}/berth-test`);
      } catch {
        // not in this hierarchy
      }
    }
  }
});

test.run();
