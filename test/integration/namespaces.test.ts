// Namespaces: new ones, joined ones (by path), time offsets, and the process model details
// that depend on them (--no-pivot, --preserve-fds, the session keyring).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, berthBin, hostMounts, makeBundle, runIn, sleepMs, stateOf, uniqueId, withHolder } from '../helpers/berth.js';
import { joinedUsernsSpec, minimalSpec } from '../helpers/specs.js';
import type { Spec } from '../../src/spec/types.js';
import { LXCFS_PROC_FILES } from '../../src/spec/rules/mounts.js';

test('each new namespace differs from the host, each unlisted one is shared', () => {
  const spec = minimalSpec({
    linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'ipc' }, { type: 'network' }, { type: 'cgroup' }] },
  });
  const r = runIn('for n in pid mnt uts ipc net cgroup user time; do echo "$n $(readlink /proc/self/ns/$n)"; done', spec);
  assert.is(r.status, 0, r.stderr);
  for (const line of r.stdout.trim().split('\n')) {
    const [name, link] = line.split(' ');
    const host = fs.readlinkSync(`/proc/self/ns/${name}`);
    if (name === 'user' || name === 'time') assert.is(link, host, `${name} is shared`);
    else assert.is.not(link, host, `${name} is new`);
  }
});

test('a namespace given by path is joined', () => {
  const holder = minimalSpec({ linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'network' }, { type: 'uts' }] } });
  holder.process!.args = ['sleep', '600'];
  const hb = makeBundle(holder);
  const hid = uniqueId('nsholder');
  try {
    assert.is(berth(hb.root, ['create', '--bundle', hb.dir, hid]).status, 0);
    const pid = stateOf(hb.root, hid).pid;
    const want = fs.readlinkSync(`/proc/${pid}/ns/net`);
    const wantPid = fs.readlinkSync(`/proc/${pid}/ns/pid`);
    const spec = minimalSpec({
      linux: { namespaces: [{ type: 'pid', path: `/proc/${pid}/ns/pid` }, { type: 'mount' }, { type: 'network', path: `/proc/${pid}/ns/net` }, { type: 'uts' }] },
    });
    const r = runIn('readlink /proc/self/ns/net; readlink /proc/self/ns/pid', spec, 'nsjoin');
    assert.is(r.status, 0, r.stderr);
    // CapEff is empty after execve for a uid other than 0 without ambient capabilities.
    assert.equal(r.stdout.trim().split('\n'), [want, wantPid]);
  } finally {
    hb.cleanup();
  }
});

/**
 * Runs `spec` (which joins the pid namespace of the container whose init is `pid`, masks
 * /proc/timer_list and /proc/irq and makes /proc/sys read-only) and checks what every such
 * create must show: the holder's pid namespace, its init as pid 1 in /proc, the masks, the
 * read-only /proc/sys and the proc mount's nosuid,nodev,noexec. Returns the proc mount's line
 * of /proc/self/mounts, then the output lines of `extra`, run after those checks' commands.
 */
function checkJoinedProcfs(pid: number, spec: Spec, tag: string, extra: string[]): string[] {
  const r = runIn([
    'readlink /proc/self/ns/pid', 'cat /proc/1/comm', 'ls /proc | grep -c "^[0-9]"',
    'wc -c < /proc/timer_list', 'ls -A /proc/irq | wc -l',
    'echo 1 > /proc/sys/kernel/ns_last_pid && echo sys-writable || echo sys-readonly',
    'grep " /proc proc " /proc/self/mounts', ...extra,
  ].join('; '), spec, tag);
  assert.is(r.status, 0, r.stderr);
  const [ns, comm, count, timerList, irq, sys, mount, ...rest] = r.stdout.trim().split('\n');
  assert.is(ns, fs.readlinkSync(`/proc/${pid}/ns/pid`), 'the holder\'s pid namespace');
  assert.is(comm, 'sleep', 'its /proc shows the holder\'s init as pid 1');
  assert.ok(Number(count) >= 2, `the holder's process and its own: ${count}`);
  assert.is(timerList!.trim(), '0', 'timer_list masked by /dev/null');
  assert.is(irq!.trim(), '0', 'a masked directory is an empty tmpfs');
  assert.is(sys, 'sys-readonly');
  assert.match(mount!, /nosuid,nodev,noexec/);
  return [mount!, ...rest];
}

test('a create joining another container\'s pid namespace by path gets its /proc, masked and read-only paths, and a host bind', () => {
  // The first stage mounts and pivots before the fork, the procfs of the joined namespace
  // among its mounts (docs/ARCHITECTURE.md "A create that joins a pid namespace").
  const data = fs.mkdtempSync('/tmp/berth-test-pidjoin-');
  fs.writeFileSync(`${data}/greeting`, 'from the host\n');
  try {
    withHolder(minimalSpec(), 'pidholder', (pid) => {
      const spec = minimalSpec({
        mounts: [
          { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
          { destination: '/data', type: 'bind', source: data, options: ['rbind', 'ro'] },
        ],
        linux: {
          namespaces: [{ type: 'pid', path: `/proc/${pid}/ns/pid` }, { type: 'mount' }, { type: 'uts' }],
          maskedPaths: ['/proc/timer_list', '/proc/irq'],
          readonlyPaths: ['/proc/sys'],
        },
      });
      const [, greeting] = checkJoinedProcfs(pid, spec, 'pidjoin', ['cat /data/greeting']);
      assert.is(greeting, 'from the host');
    }, { started: true });
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});

test('a create joining a pid namespace with lxcfs-style binds over /proc files: over the joined namespace\'s procfs, read-only', () => {
  // A bind of a host file that must follow the procfs (docs/ARCHITECTURE.md "A create that
  // joins a pid namespace"): made after it, in config order, before pivot_root.
  const data = fs.mkdtempSync('/tmp/berth-test-lxcfs-');
  fs.writeFileSync(`${data}/meminfo`, 'MemTotal: 12345 kB\n');
  fs.writeFileSync(`${data}/cpuinfo`, 'processor : 0\n');
  try {
    withHolder(minimalSpec(), 'lxcfsholder', (pid) => {
      const spec = minimalSpec({
        mounts: [
          { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
          { destination: '/proc/meminfo', source: `${data}/meminfo`, options: ['bind', 'ro'] },
          { destination: '/proc/cpuinfo', type: 'bind', source: `${data}/cpuinfo`, options: ['rbind', 'rro', 'nosuid', 'rprivate'] },
        ],
        linux: {
          namespaces: [{ type: 'pid', path: `/proc/${pid}/ns/pid` }, { type: 'mount' }, { type: 'uts' }],
          maskedPaths: ['/proc/timer_list', '/proc/irq'],
          readonlyPaths: ['/proc/sys'],
        },
      });
      const [, meminfo, cpuinfo, write, memMount, cpuMount] = checkJoinedProcfs(pid, spec, 'lxcfsjoin', [
        'cat /proc/meminfo', 'cat /proc/cpuinfo', 'echo x 2>/dev/null > /proc/meminfo && echo mem-writable || echo mem-readonly',
        'grep " /proc/meminfo " /proc/self/mounts', 'grep " /proc/cpuinfo " /proc/self/mounts',
      ]);
      assert.is(meminfo, 'MemTotal: 12345 kB');
      assert.is(cpuinfo, 'processor : 0');
      assert.is(write, 'mem-readonly');
      assert.match(memMount!, / ro[ ,]/, memMount);
      assert.match(cpuMount!, / ro,nosuid[ ,]/, cpuMount);
      // A directory onto the /proc file: refused, as mount(2) refuses it, and nothing is left
      // behind.
      spec.mounts![1]!.source = data;
      const b = makeBundle(spec);
      const id = uniqueId('lxcfsbad');
      // Only this create's mounts: other containers on the host may come and go meanwhile.
      const ours = () => hostMounts().split('\n').filter((l) => l.includes(b.dir) || l.includes(data));
      try {
        const r = berth(b.root, ['create', '--bundle', b.dir, id]);
        assert.is.not(r.status, 0);
        assert.match(r.stderr, 'config.json /mounts/1: mount /proc/meminfo: Not a directory');
        assert.not.ok(fs.existsSync(`${b.root}/${id}`), 'no state directory left');
        assert.equal(ours(), [], 'no mount left');
      } finally {
        b.cleanup();
      }
    }, { started: true });
    assert.is(fs.readFileSync(`${data}/meminfo`, 'utf8'), 'MemTotal: 12345 kB\n');
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});

test('a create joining a pid namespace with every lxcfs file bound after its procfs: each shows its source', () => {
  // runc's allow-list below /proc (spec/rules/mounts.ts) is what an lxcfs setup binds; every
  // one of them follows the procfs of the joined namespace, which the first stage makes in
  // config order before pivot_root (more binds than the eight slots an earlier design had). Not
  // /proc/net/dev: the kernel refuses any mount on /proc/PID/net/dev (EINVAL), and runc 1.1
  // refuses it itself ("inside /proc"). Nor a file this kernel lacks (fips_enabled without
  // CONFIG_CRYPTO_FIPS): the joined procfs has it only where the host's has.
  const data = fs.mkdtempSync('/tmp/berth-test-lxcfs-all-');
  const present = LXCFS_PROC_FILES.filter((dest) => dest !== '/proc/net/dev' && fs.existsSync(dest));
  assert.ok(present.length > 8, `the lxcfs files this kernel has: ${present.length}`);
  const files = present.map((dest, i) => ({ dest, source: `${data}/f${i}`, text: `lxcfs ${dest}` }));
  for (const f of files) fs.writeFileSync(f.source, `${f.text}\n`);
  try {
    withHolder(minimalSpec(), 'lxcfsallholder', (pid) => {
      const spec = minimalSpec({
        mounts: [
          { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
          ...files.map((f) => ({ destination: f.dest, source: f.source, options: ['bind', 'ro'] })),
        ],
        linux: { namespaces: [{ type: 'pid', path: `/proc/${pid}/ns/pid` }, { type: 'mount' }, { type: 'uts' }] },
      });
      const r = runIn(files.map((f) => `cat ${f.dest}`).join('; '), spec, 'lxcfsall');
      assert.is(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim().split('\n'), files.map((f) => f.text));
    });
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});

test('a create joining a pid namespace: the init gets every attribute of its process (set by the first stage before the fork)', () => {
  withHolder(minimalSpec(), 'attrholder', (pid) => {
    const spec = minimalSpec({
      linux: { namespaces: [{ type: 'pid', path: `/proc/${pid}/ns/pid` }, { type: 'mount' }, { type: 'uts' }], personality: { domain: 'LINUX32' } },
    });
    spec.root = { path: 'rootfs', readonly: true };
    spec.process = {
      ...spec.process!,
      cwd: '/joined-cwd',
      user: { uid: 1000, gid: 1000, additionalGids: [44], umask: 0o027 },
      capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 100, hard: 100 }],
      oomScoreAdj: 123,
      scheduler: { policy: 'SCHED_BATCH', nice: 5 },
      noNewPrivileges: true,
    };
    const r = runIn([
      'readlink /proc/self/ns/pid', 'id -u', 'id -G', 'grep -E "^(CapEff|CapBnd|NoNewPrivs):" /proc/self/status | tr -s "\t" " "',
      'ulimit -n', 'cat /proc/self/oom_score_adj', 'umask', 'pwd', 'cut -d" " -f19,41 /proc/self/stat', 'uname -m',
      'touch /x 2>/dev/null && echo root-writable || echo root-readonly',
    ].join('; '), spec, 'pidjoinattrs');
    assert.is(r.status, 0, r.stderr);
    // CapEff is empty after execve for a uid other than 0 without ambient capabilities.
    assert.equal(r.stdout.trim().split('\n'), [
      fs.readlinkSync(`/proc/${pid}/ns/pid`), '1000', '1000 44', 'CapEff: 0000000000000000', 'CapBnd: 0000000000000020', 'NoNewPrivs: 1',
      '100', '123', '0027', '/joined-cwd', '5 3', 'i686', 'root-readonly',
    ]);
  });
});

test('a new time namespace applies timeOffsets', () => {
  const spec = minimalSpec({
    linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'time' }], timeOffsets: { boottime: { secs: 86400 * 365 } } },
  });
  const r = runIn('cut -d. -f1 /proc/uptime', spec);
  assert.is(r.status, 0, r.stderr);
  const hostUptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split('.')[0]);
  const inside = Number(r.stdout.trim());
  assert.ok(inside - hostUptime >= 86400 * 365 - 5, `uptime inside ${inside}, host ${hostUptime}`);
});

test('--no-pivot moves the rootfs and chroots instead of pivot_root', () => {
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', 'ls /bin/busybox && grep -c " / " /proc/self/mountinfo'];
  const b = makeBundle(spec);
  try {
    const r = berth(b.root, ['run', '--no-pivot', '--bundle', b.dir, uniqueId('nopivot')]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, '/bin/busybox');
  } finally {
    b.cleanup();
  }
});

test('--preserve-fds passes fds 3.. to the process; other fds never reach it', () => {
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', 'cat <&3; ls /proc/self/fd | tr "\\n" " "'];
  const b = makeBundle(spec);
  const file = `${b.dir}/passed`;
  fs.writeFileSync(file, 'through fd 3\n');
  try {
    const fd3 = fs.openSync(file, 'r');
    const fd4 = fs.openSync(file, 'r');
    const r = spawnSync(berthBin, ['--root', b.root, 'run', '--preserve-fds', '1', '--bundle', b.dir, uniqueId('fds')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe', fd3, fd4],
    });
    fs.closeSync(fd3);
    fs.closeSync(fd4);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, 'through fd 3');
    const fds = r.stdout.split('\n')[1]!.trim().split(' ').map(Number);
    assert.ok(fds.includes(3), 'fd 3 preserved');
    assert.not.ok(fds.includes(4) && fds.length > 5, `fd 4 must not leak: ${fds}`);
  } finally {
    b.cleanup();
  }
});

test('the process gets a new session keyring named after the container, unless --no-new-keyring', () => {
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', 'cat /proc/keys'];
  const b = makeBundle(spec);
  const id = uniqueId('keyring');
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, id]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, `_ses.${id}`);
    const id2 = uniqueId('nokeyring');
    const r2 = berth(b.root, ['run', '--no-new-keyring', '--bundle', b.dir, id2]);
    assert.is(r2.status, 0, r2.stderr);
    assert.not.match(r2.stdout, `_ses.${id2}`);
  } finally {
    b.cleanup();
  }
});

test('scheduler, ioPriority and personality', () => {
  const spec = minimalSpec();
  spec.process!.scheduler = { policy: 'SCHED_BATCH', nice: 5 };
  spec.process!.ioPriority = { class: 'IOPRIO_CLASS_IDLE', priority: 0 };
  spec.linux!.personality = { domain: 'LINUX32' };
  const r = runIn('cut -d" " -f19,41 /proc/self/stat; uname -m', spec);
  assert.is(r.status, 0, r.stderr);
  const [niceAndPolicy, machine] = r.stdout.trim().split('\n');
  assert.is(niceAndPolicy, '5 3', 'nice 5, policy SCHED_BATCH (3)');
  assert.is(machine, 'i686', 'LINUX32 personality');
});


/** The lines of the host's mountinfo that mention `dir`. */
function hostMountsUnder(dir: string): string[] {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(dir));
}

function rootPropagationTags(): string {
  const line = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === '/');
  return (line ?? '').split(' - ')[0]!.split(' ').slice(6).join(' ');
}

test('without a mount namespace the container shares the host mount table, and delete takes its mounts back', () => {
  const spec = minimalSpec({ linux: { namespaces: [{ type: 'pid' }, { type: 'uts' }, { type: 'ipc' }] } });
  spec.mounts!.push({ destination: '/tmp', type: 'tmpfs', source: 'berth-shared-tmp' });
  spec.process!.args = ['sh', '-c', 'readlink /proc/self/ns/mnt; grep -c berth-shared-tmp /proc/self/mountinfo; ls /bin/busybox'];
  const b = makeBundle(spec, { ownRootfs: true });
  const rootfsDir = `${b.dir}/rootfs`;
  const propagationBefore = rootPropagationTags();
  const id = uniqueId('sharedmnt');
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    assert.ok(hostMountsUnder(rootfsDir).length >= 2, 'the rootfs bind and the tmpfs are host mounts while the container exists');
    assert.is(berth(b.root, ['start', id]).status, 0);
    for (let i = 0; i < 200 && stateOf(b.root, id).status !== 'stopped'; i++) sleepMs(10);
    const r = berth(b.root, ['delete', id]);
    assert.is(r.status, 0, r.stderr);
    assert.equal(hostMountsUnder(rootfsDir), [], 'no mount of the container is left on the host');
    assert.is(rootPropagationTags(), propagationBefore, 'the host / keeps its propagation');
  } finally {
    b.cleanup();
  }
});

test('without a mount namespace the process sees the host mount namespace, chrooted into the rootfs', () => {
  const spec = minimalSpec({ linux: { namespaces: [{ type: 'pid' }, { type: 'uts' }, { type: 'ipc' }] } });
  spec.process!.args = ['sh', '-c', 'readlink /proc/self/ns/mnt; ls /bin/busybox'];
  const b = makeBundle(spec, { ownRootfs: true });
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('sharedmnt')]);
    assert.is(r.status, 0, r.stderr);
    // CapEff is empty after execve for a uid other than 0 without ambient capabilities.
    assert.equal(r.stdout.trim().split('\n'), [fs.readlinkSync('/proc/self/ns/mnt'), '/bin/busybox']);
    assert.match(r.stderr, 'only chrooted', 'the weaker isolation is said');
    assert.equal(hostMountsUnder(`${b.dir}/rootfs`), [], 'run (create + start + delete) leaves no mount');
  } finally {
    b.cleanup();
  }
});

test('a create that fails without a mount namespace leaves no host mount behind', () => {
  const spec = minimalSpec({ linux: { namespaces: [{ type: 'pid' }, { type: 'uts' }, { type: 'ipc' }] } });
  spec.mounts!.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs' }, { destination: '/broken', type: 'no-such-fs', source: 'x' });
  const b = makeBundle(spec, { ownRootfs: true });
  const id = uniqueId('sharedmntfail');
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, '/mounts/2');
    assert.equal(hostMountsUnder(`${b.dir}/rootfs`), [], 'the rootfs bind and the tmpfs were detached');
    assert.not.ok(fs.existsSync(`${b.root}/${id}`), 'no state directory');
  } finally {
    b.cleanup();
  }
});

test('joining a user namespace makes the process its root (uid 0 inside, devices bound)', () => {
  const maps = { uidMappings: [{ containerID: 0, hostID: 300000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 300000, size: 65536 }] };
  const holder = minimalSpec({ hostname: undefined, linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'user' }], ...maps } });
  withHolder(holder, 'userholder', (pid) => {
    const r = runIn('readlink /proc/self/ns/user; id -u; echo ok > /dev/null && echo null-works', joinedUsernsSpec(pid), 'userjoin');
    assert.is(r.status, 0, r.stderr);
    // CapEff is empty after execve for a uid other than 0 without ambient capabilities.
    assert.equal(r.stdout.trim().split('\n'), [fs.readlinkSync(`/proc/${pid}/ns/user`), '0', 'null-works']);
  });
});

test('a create in a user namespace joining a pid namespace gets its /proc, options, masked and read-only paths', () => {
  // The first stage makes the procfs before the root switch (fsmount refuses it in a user
  // namespace once no full procfs is visible), in config order (docs/ARCHITECTURE.md "A
  // create that joins a pid namespace").
  const maps = { uidMappings: [{ containerID: 0, hostID: 310000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 310000, size: 65536 }] };
  const holder = minimalSpec({ hostname: undefined, linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'user' }], ...maps } });
  withHolder(holder, 'usernspidholder', (pid) => {
    const spec = joinedUsernsSpec(pid);
    spec.linux!.namespaces = [{ type: 'pid', path: `/proc/${pid}/ns/pid` }, { type: 'mount' }, { type: 'ipc' }, { type: 'user', path: `/proc/${pid}/ns/user` }];
    spec.mounts = spec.mounts!.map((m) => m.type === 'proc' ? { ...m, options: ['nosuid', 'noexec', 'nodev', 'hidepid=2'] } : m);
    // Written after pivot_root through the container's /proc (child_procfs.c): the
    // namespaced sysctls follow the writer's namespaces.
    spec.linux!.sysctl = { 'kernel.shm_rmid_forced': '1' };
    spec.linux!.maskedPaths = ['/proc/timer_list', '/proc/irq'];
    spec.linux!.readonlyPaths = ['/proc/sys'];
    const [mount, sysctl] = checkJoinedProcfs(pid, spec, 'usernspidjoin', ['cat /proc/sys/kernel/shm_rmid_forced']);
    assert.match(mount!, /hidepid=invisible/);
    assert.is(sysctl, '1', 'the sysctl');
  }, { started: true });
});

test.run();
