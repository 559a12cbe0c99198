// linux.resources for real, as root. Through dist/berth on this hybrid host (the v1 driver):
// the values are read back from inside the container through its own cgroup mount, and the
// device list is checked by opening devices. The v2 writer and the eBPF device program are
// exercised on the real cgroup2 mount at /sys/fs/cgroup/unified, which holds only hugetlb here.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cgroupManagerFor } from '../../src/cgroups/index.js';
import { attachDeviceProgram } from '../../src/container/create.js';
import { ConfigError } from '../../src/errors.js';
import { native } from '../../src/sys/addon.js';
import type { Spec } from '../../src/spec/types.js';
import { runIn } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import { keepingRootControl, skipOnPureV2, V2_MOUNT } from '../helpers/unified-root.js';

const UNIFIED = V2_MOUNT;

/** A container that sees its own cgroups at /sys/fs/cgroup (new cgroup namespace). */
function withCgroupView(resources: Spec['linux'] extends infer L ? (L extends { resources?: infer R } ? R : never) : never): Spec {
  const spec = minimalSpec();
  spec.linux!.namespaces!.push({ type: 'cgroup' });
  spec.mounts!.push({ destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro', 'nosuid', 'noexec', 'nodev'] });
  spec.mounts!.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] });
  spec.linux!.resources = resources;
  return spec;
}

test('v1: memory, pids, cpu and cpuset values are what the container reads in its cgroup', () => {
  if (skipOnPureV2()) return;
  const spec = withCgroupView({
    memory: { limit: 64 << 20, reservation: 32 << 20 },
    pids: { limit: 42 },
    cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' },
  });
  const files = [
    'memory/memory.limit_in_bytes', 'memory/memory.soft_limit_in_bytes', 'pids/pids.max', 'cpu/cpu.shares',
    'cpu/cpu.cfs_quota_us', 'cpu/cpu.cfs_period_us', 'cpuset/cpuset.cpus', 'cpuset/cpuset.mems',
  ];
  const r = runIn(files.map((f) => `cat /sys/fs/cgroup/${f}`).join('; '), spec, 'res');
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n'), [String(64 << 20), String(32 << 20), '42', '512', '50000', '100000', '0', '0']);
});

test('v1: pids.limit 0 is a real limit of 0', () => {
  if (skipOnPureV2()) return;
  const r = runIn('cat /sys/fs/cgroup/pids/pids.max', withCgroupView({ pids: { limit: 0 } }), 'pids0');
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), '0');
});

test('v1 devices: rules apply in order, the defaults stay usable, and linux.devices drops a default', () => {
  if (skipOnPureV2()) return;
  const spec = withCgroupView({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 11, access: 'r' }, { allow: true, type: 'c', major: 1, minor: 11, access: 'w' }, { allow: false, type: 'c', major: 1, minor: 11, access: 'r' }] });
  spec.linux!.devices = [{ path: '/dev/zero', type: 'c', major: 1, minor: 5 }];
  const r = runIn('grep "^c 1:11" /sys/fs/cgroup/devices/devices.list; head -c1 /dev/full | wc -c; head -c1 /dev/zero | wc -c', spec, 'dev');
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n'), ['c 1:11 w', '1', '0']);
  assert.match(r.stderr, /zero: Operation not permitted/);
});

test('v2 on the real cgroup2 mount: delegation, hugetlb limit and the eBPF device program', async () => {
  await keepingRootControl(UNIFIED, () => {
    const name = `berth-it-res2-${process.pid}`;
    const cg = cgroupManagerFor({ id: name, cgroupsPath: `/${name}/c`, fsRoot: UNIFIED });
    const dir = path.join(UNIFIED, name, 'c');
    const addon = native();
    try {
      cg.create();
      const offered = fs.readFileSync(path.join(UNIFIED, 'cgroup.controllers'), 'utf8').trim();
      assert.is(fs.readFileSync(path.join(UNIFIED, name, 'cgroup.subtree_control'), 'utf8').trim(), offered, 'the parent delegates');
      assert.is(fs.readFileSync(path.join(dir, 'cgroup.controllers'), 'utf8').trim(), offered, 'the container cgroup has them');

      const hugetlb = offered.split(' ').includes('hugetlb') && fs.existsSync(path.join(dir, 'hugetlb.2MB.max'));
      cg.applyResources(
        {
          resources: {
            devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 11, access: 'r' }],
            ...(hugetlb ? { hugepageLimits: [{ pageSize: '2MB', limit: 4 << 20 }] } : {}),
          },
          devices: [{ path: '/dev/zero', type: 'c', major: 1, minor: 5 }],
        },
        { warn: () => undefined, attachDeviceProgram: (d, insns) => attachDeviceProgram(addon, d, insns) },
      );
      if (hugetlb) assert.is(fs.readFileSync(path.join(dir, 'hugetlb.2MB.max'), 'utf8').trim(), String(4 << 20));

      // A shell that moves itself into the cgroup, then opens devices under the program.
      const r = spawnSync('sh', ['-c', `echo $$ > ${dir}/cgroup.procs; head -c1 /dev/full | wc -c; head -c1 /dev/kmsg >/dev/null 2>&1; echo kmsg=$?; head -c1 /dev/zero | wc -c`], { encoding: 'utf8' });
      assert.equal(r.stdout.trim().split('\n'), ['1', 'kmsg=1', '0'], r.stderr);
      assert.match(r.stderr, /zero.*Operation not permitted/);

      let err: unknown;
      try {
        cg.applyResources({ resources: { unified: { 'conformance.max': '1' } } }, { warn: () => undefined, attachDeviceProgram: () => undefined });
      } catch (e) {
        err = e;
      }
      assert.instance(err, ConfigError);
      assert.match((err as Error).message, /\/linux\/resources\/unified\/conformance\.max: needs the conformance controller/);
    } finally {
      cg.destroy();
      fs.rmdirSync(path.join(UNIFIED, name));
    }
  });
});

test.run();
