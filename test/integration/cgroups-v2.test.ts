// linux.resources, placement, the eBPF device program and delete on a pure cgroup v2 host with
// the real controllers (memory, pids, cpu, cpuset, io): the guest of the VM suite (test/vm)
// boots Debian 12's kernel with cgroup_no_v1=all for this. Through dist/berth, every value is
// read back from inside the container through its own cgroup namespace. On a host without
// those controllers on /sys/fs/cgroup (such as the hybrid development machine) each test says
// why it is skipped.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blkioWeightToIoWeight, cpuSharesToWeight } from '../../src/cgroups/resources/convert.js';
import type { Spec } from '../../src/spec/types.js';
import { berth, makeBundle, runIn, sleepMs, stateOf, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import { pureV2 } from '../helpers/unified-root.js';

const CG = '/sys/fs/cgroup';
const NEEDED = ['memory', 'pids', 'cpu', 'cpuset', 'io'];

function missingController(): string | undefined {
  if (!pureV2()) return 'this host is not pure cgroup v2 (/sys/fs/cgroup is not a cgroup2 mount)';
  const offered = fs.readFileSync(path.join(CG, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
  const missing = NEEDED.filter((c) => !offered.includes(c));
  return missing.length ? `the cgroup2 root lacks the ${missing.join(', ')} controller(s)` : undefined;
}

function skipped(): boolean {
  const why = missingController();
  if (why) console.log(`  skipped: ${why}`);
  return why !== undefined;
}

type Resources = NonNullable<NonNullable<Spec['linux']>['resources']>;

/** A container in its own cgroup namespace that sees its cgroup at /sys/fs/cgroup. */
function withCgroupView(resources: Resources, cgroupsPath?: string, cgroupMount: 'ro' | 'rw' = 'ro'): Spec {
  const spec = minimalSpec();
  spec.linux!.namespaces!.push({ type: 'cgroup' });
  spec.mounts!.push({ destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro', 'nosuid', 'noexec', 'nodev'] });
  spec.mounts!.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: [cgroupMount, 'nosuid', 'noexec', 'nodev'] });
  spec.linux!.resources = resources;
  if (cgroupsPath) spec.linux!.cgroupsPath = cgroupsPath;
  return spec;
}

test('v2: memory, swap, pids, cpu, cpuset and io values are what the container reads in its cgroup', () => {
  if (skipped()) return;
  const spec = withCgroupView({
    memory: { limit: 64 << 20, reservation: 32 << 20, swap: 96 << 20 },
    pids: { limit: 42 },
    cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' },
    blockIO: { weight: 500 },
  });
  const ioWeight = fs.existsSync(path.join(CG, 'io.weight')) || !fs.existsSync(path.join(CG, 'io.bfq.weight')) ? 'io.weight' : 'io.bfq.weight';
  const files = ['memory.max', 'memory.low', 'memory.swap.max', 'pids.max', 'cpu.max', 'cpu.weight', 'cpuset.cpus', 'cpuset.mems', ioWeight];
  // A missing file prints a marker instead of nothing, so every line stays in its place.
  const r = runIn(files.map((f) => `cat /sys/fs/cgroup/${f} 2>/dev/null || echo "no ${f}"`).join('; '), spec, 'v2res');
  assert.is(r.status, 0, r.stderr);
  const [memMax, memLow, swapMax, pidsMax, cpuMax, cpuWeight, cpus, mems, io] = r.stdout.trim().split('\n');
  assert.is(memMax, String(64 << 20));
  assert.is(memLow, String(32 << 20));
  // memory.swap.max only exists with swap accounting; where it does, it holds swap - limit.
  if (swapMax !== 'no memory.swap.max') assert.is(swapMax, String(32 << 20));
  assert.is(pidsMax, '42');
  assert.is(cpuMax, '50000 100000');
  assert.is(cpuWeight, String(cpuSharesToWeight(512)));
  assert.is(cpus, '0');
  assert.is(mems, '0');
  assert.match(io!, new RegExp(`^default ${blkioWeightToIoWeight(500)}$`), `${ioWeight}: ${io}`);
});

test('v2: the limits hold inside the container (pids.max stops a fork)', () => {
  if (skipped()) return;
  // The shell alone is the one task pids.max 1 allows: it reads with builtins, and its fork fails.
  const r = runIn('read max < /sys/fs/cgroup/pids.max; echo "max=$max"; /bin/true && echo forked', withCgroupView({ pids: { limit: 1 } }), 'v2pids');
  assert.is(r.stdout.trim(), 'max=1', r.stderr);
  assert.match(r.stderr, /can't fork/);
});

test('v2 devices: the eBPF program allows and denies from inside the container', () => {
  if (skipped()) return;
  // /dev/full (1:7): read and write allowed, then read denied again by a later rule; listed in
  // linux.devices, so runc's default allowance for it is dropped, as for /dev/zero (1:5),
  // which no rule allows. /dev/null keeps its default allowance.
  const spec = withCgroupView({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 7, access: 'r' }, { allow: true, type: 'c', major: 1, minor: 7, access: 'w' }, { allow: false, type: 'c', major: 1, minor: 7, access: 'r' }] });
  spec.linux!.devices = [{ path: '/dev/zero', type: 'c', major: 1, minor: 5 }, { path: '/dev/full', type: 'c', major: 1, minor: 7 }];
  const r = runIn('echo x > /dev/full; echo full-write=$?; head -c1 /dev/full >/dev/null; echo full-read=$?; head -c1 /dev/zero | wc -c; echo x > /dev/null && echo null-ok', spec, 'v2dev');
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n'), ['full-write=1', 'full-read=1', '0', 'null-ok']);
  // The write opens /dev/full (allowed) and fails with ENOSPC, not EPERM.
  assert.match(r.stderr, /No space left on device/);
  assert.match(r.stderr, /full: Operation not permitted/);
  assert.match(r.stderr, /zero: Operation not permitted/);
});

test('v2: the container process is born in its cgroup (clone3 into the cgroup) and nowhere else', () => {
  if (skipped()) return;
  const id = uniqueId('v2place');
  const cgPath = `/berth-it-v2place-${process.pid}`;
  const spec = withCgroupView({ pids: { limit: 10 } }, cgPath);
  spec.process!.args = ['sleep', '60'];
  const b = makeBundle(spec);
  try {
    const c = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is(c.status, 0, c.stderr);
    const { pid } = stateOf(b.root, id);
    assert.is(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'), `0::${cgPath}\n`);
    assert.equal(fs.readFileSync(path.join(CG, cgPath, 'cgroup.procs'), 'utf8').trim().split('\n'), [String(pid)]);
    assert.is(berth(b.root, ['delete', '--force', id]).status, 0);
    assert.not.ok(fs.existsSync(path.join(CG, cgPath)), 'delete removes the cgroup');
  } finally {
    b.cleanup();
    if (fs.existsSync(path.join(CG, cgPath))) fs.rmdirSync(path.join(CG, cgPath));
  }
});

test('v2: delete removes a container cgroup that holds sub-cgroups the container made', () => {
  if (skipped()) return;
  const id = uniqueId('v2sub');
  const cgPath = `/berth-it-v2sub-${process.pid}`;
  const spec = withCgroupView({ memory: { limit: 64 << 20 } }, cgPath, 'rw');
  // The init moves itself into a leaf, as systemd or a nested runtime would.
  spec.process!.args = ['sh', '-c', 'mkdir -p /sys/fs/cgroup/a/b /sys/fs/cgroup/init && echo $$ > /sys/fs/cgroup/init/cgroup.procs && echo ready && sleep 60'];
  const b = makeBundle(spec);
  const dir = path.join(CG, cgPath);
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    assert.is(berth(b.root, ['start', id]).status, 0);
    const { pid } = stateOf(b.root, id);
    for (let i = 0; i < 200 && !fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes('/init'); i++) sleepMs(50);
    assert.is(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'), `0::${cgPath}/init\n`);
    assert.ok(fs.existsSync(path.join(dir, 'a/b')));
    const d = berth(b.root, ['delete', '--force', id]);
    assert.is(d.status, 0, d.stderr);
    assert.not.ok(fs.existsSync(dir), 'the cgroup and its sub-cgroups are gone');
  } finally {
    b.cleanup();
    for (const sub of ['a/b', 'a', 'init', '']) if (fs.existsSync(path.join(dir, sub))) fs.rmdirSync(path.join(dir, sub));
  }
});

test.run();
