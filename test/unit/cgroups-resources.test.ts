// linux.resources without root: the v1 -> v2 conversions, the ordered device rules (the v1
// writes and the v2 eBPF program, run by a small interpreter), and the file writes of both
// drivers on a fake cgroup tree, including errors that name the config field.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCgroupManager } from '../../src/cgroups/build.js';
import { blkioWeightToIoWeight, cpuMaxText, cpuSharesToWeight, intText, pidsMaxText, swapToV2 } from '../../src/cgroups/resources/convert.js';
import { deviceProgram, encodeProgram } from '../../src/cgroups/resources/devices-bpf.js';
import { deviceRules, resolveDeviceAccess, ruleText } from '../../src/cgroups/resources/devices-rules.js';
import { v1DeviceWrites } from '../../src/cgroups/resources/devices-v1.js';
import type { ResourceInput } from '../../src/cgroups/resources/input.js';
import { ConfigError } from '../../src/errors.js';
import type { DeviceCgroupRule, Resources } from '../../src/spec/types.js';
import { runDeviceProgram } from '../helpers/bpf-run.js';
import { fakeCgroupFiles, withFakeHost } from '../helpers/cgroups-fake-host.js';

const quiet = { warn: () => undefined, attachDeviceProgram: () => undefined };

function configError(fn: () => void): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.instance(err, ConfigError);
    return err as ConfigError;
  }
  throw new assert.Assertion({ message: 'expected a ConfigError', generated: false, operator: 'throws', expects: 'ConfigError', actual: 'no error' });
}

// ---- conversions ----

test('cpu.shares -> cpu.weight follows the runc/crun formula at the ends and the default', () => {
  assert.is(cpuSharesToWeight(0), 0);
  assert.is(cpuSharesToWeight(2), 1);
  assert.is(cpuSharesToWeight(1024), 39);
  assert.is(cpuSharesToWeight(262144), 10000);
});

test('blkio weight -> io.weight', () => {
  assert.is(blkioWeightToIoWeight(0), 0);
  assert.is(blkioWeightToIoWeight(10), 1);
  assert.is(blkioWeightToIoWeight(500), 4950);
  assert.is(blkioWeightToIoWeight(1000), 10000);
});

test('memory swap: the spec gives memory+swap, v2 takes swap alone', () => {
  assert.is(swapToV2(0, 0), 0);
  assert.is(swapToV2(0, -1), -1, 'unlimited memory, swap not given: unlimited swap');
  assert.is(swapToV2(-1, 100), -1);
  assert.is(swapToV2(300, 100), 200);
  assert.is(swapToV2(100, 100), 0);
  assert.type(swapToV2(50, 100), 'string');
  assert.type(swapToV2(100, 0), 'string');
});

test('cpu.max, pids.max and big integers as text', () => {
  assert.is(cpuMaxText(50000, 100000), '50000 100000');
  assert.is(cpuMaxText(-1, 100000), 'max 100000');
  assert.is(cpuMaxText(20000, 0), '20000');
  assert.is(cpuMaxText(0, 0), undefined);
  assert.is(pidsMaxText(0), '0', 'runtime-spec 1.3: 0 is a real limit');
  assert.is(pidsMaxText(-1), 'max');
  assert.is(pidsMaxText(42), '42');
  assert.is(intText(2 ** 63), '9223372036854775808');
});

// ---- device rules ----

const denyAll: DeviceCgroupRule = { allow: false, access: 'rwm' };
const allowRandom: DeviceCgroupRule = { allow: true, type: 'c', major: 1, minor: 11, access: 'r' };

test('device rules: a later rule overrides an earlier one', () => {
  const after = resolveDeviceAccess(deviceRules([denyAll, allowRandom], []));
  assert.not.ok(after.defaultAllow);
  assert.ok(after.exceptions.some((e) => ruleText(e) === 'c 1:11 r'));
  const before = resolveDeviceAccess(deviceRules([allowRandom, denyAll], []));
  assert.not.ok(before.exceptions.some((e) => e.major === 1 && e.minor === 11), 'deny all after the allow removes it');
});

test('device rules: the defaults come after the config rules and survive a deny-all', () => {
  const acc = resolveDeviceAccess(deviceRules([denyAll], []));
  const texts = acc.exceptions.map(ruleText);
  for (const t of ['c *:* m', 'b *:* m', 'c 1:3 rwm', 'c 1:5 rwm', 'c 1:9 rwm', 'c 5:0 rwm', 'c 136:* rwm', 'c 5:2 rwm']) assert.ok(texts.includes(t), t);
  // A default whose path linux.devices lists is dropped: the config decides about /dev/null.
  const own = resolveDeviceAccess(deviceRules([denyAll], [{ path: '/dev/null', type: 'c', major: 1, minor: 3 }]));
  assert.not.ok(own.exceptions.map(ruleText).includes('c 1:3 rwm'));
});

test('device rules: allow-all then a deny keeps a blacklist; partial removal; holes in wildcards are refused', () => {
  const acc = resolveDeviceAccess(deviceRules([{ allow: true, access: 'rwm' }, { allow: false, type: 'b', major: 8, minor: 0, access: 'w' }], []));
  assert.ok(acc.defaultAllow);
  assert.equal(acc.exceptions.map(ruleText), ['b 8:0 w'], 'the allow-defaults remove nothing they do not match');
  const reopened = resolveDeviceAccess(deviceRules([{ allow: true, access: 'rwm' }, { allow: false, type: 'c', major: 1, minor: 3, access: 'w' }], []));
  assert.equal(reopened.exceptions, [], 'the default /dev/null allowance comes later and wins');
  const trimmed = resolveDeviceAccess(deviceRules([denyAll, { allow: true, type: 'c', major: 4, minor: 1, access: 'rwm' }, { allow: false, type: 'c', major: 4, minor: 1, access: 'w' }], []));
  assert.ok(trimmed.exceptions.map(ruleText).includes('c 4:1 rm'));
  const err = configError(() => resolveDeviceAccess(deviceRules([denyAll, { allow: true, type: 'c', major: 4, access: 'rw' }, { allow: false, type: 'c', major: 4, minor: 1, access: 'r' }], [])));
  assert.is(err.jsonPath, '/linux/resources/devices/2');
  assert.is(configError(() => deviceRules([{ allow: true }], [])).jsonPath, '/linux/resources/devices/0/access');
});

test('v1 device writes: reset with deny "a", then the exceptions', () => {
  const writes = v1DeviceWrites(resolveDeviceAccess(deviceRules([denyAll, allowRandom], [])));
  assert.equal(writes[0], { file: 'devices.deny', value: 'a', at: '/linux/resources/devices' });
  assert.ok(writes.slice(1).every((w) => w.file === 'devices.allow'));
  assert.ok(writes.some((w) => w.value === 'c 1:11 r' && w.at === '/linux/resources/devices/1'));
  const black = v1DeviceWrites(resolveDeviceAccess(deviceRules([{ allow: true, access: 'rwm' }, { allow: false, type: 'b', major: 8, minor: 0, access: 'rwm' }], [])));
  assert.equal(black.map((w) => `${w.file} ${w.value}`), ['devices.deny a', 'devices.allow a', 'devices.deny b 8:0 rwm']);
});

test('v2 device program: same verdicts as the rule list, in kernel encoding', () => {
  const prog = deviceProgram(resolveDeviceAccess(deviceRules([denyAll, allowRandom], [])));
  assert.is(runDeviceProgram(prog, 'c', 1, 11, 'r'), 1);
  assert.is(runDeviceProgram(prog, 'c', 1, 11, 'w'), 0, 'only read was allowed');
  assert.is(runDeviceProgram(prog, 'c', 1, 11, 'rw'), 0, 'every requested bit must be allowed');
  assert.is(runDeviceProgram(prog, 'c', 1, 3, 'rw'), 1, '/dev/null by default');
  assert.is(runDeviceProgram(prog, 'c', 136, 7, 'rw'), 1, 'any pty');
  assert.is(runDeviceProgram(prog, 'b', 8, 0, 'r'), 0);
  assert.is(runDeviceProgram(prog, 'b', 8, 0, 'm'), 1, 'mknod of anything');
  const denied = deviceProgram(resolveDeviceAccess(deviceRules([allowRandom, denyAll], [])));
  assert.is(runDeviceProgram(denied, 'c', 1, 11, 'r'), 0);
  const black = deviceProgram(resolveDeviceAccess(deviceRules([{ allow: true, access: 'rwm' }, { allow: false, type: 'b', major: 8, minor: 0, access: 'w' }], [])));
  assert.is(runDeviceProgram(black, 'b', 8, 0, 'w'), 0);
  assert.is(runDeviceProgram(black, 'b', 8, 0, 'r'), 1);
  assert.is(runDeviceProgram(black, 'b', 8, 1, 'w'), 1);
  const bytes = encodeProgram(prog);
  assert.is(bytes.length, prog.length * 8);
  assert.equal([...bytes.subarray(0, 8)], [0x61, 0x12, 0, 0, 0, 0, 0, 0], 'r2 = *(u32 *)(r1 + 0)');
});

// ---- v1 driver on a fake tree ----

function v1(resources: Resources, body: (read: (ctl: string, file: string) => string | undefined, log: [string, string][], apply: () => void) => void, extra: Partial<ResourceInput> = {}) {
  withFakeHost('hybrid', ({ fsRoot, proc }) => {
    const files = fakeCgroupFiles();
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot, files }, proc);
    cg.create();
    const read = (ctl: string, file: string) => files.read(path.join(fsRoot, ctl, 'berth/c', file));
    body(read, files.log, () => cg.applyResources({ resources, ...extra }, quiet));
  });
}

test('v1: memory, cpu, cpuset, network and devices go to their hierarchies', () => {
  const r: Resources = {
    memory: { limit: 64 << 20, reservation: 32 << 20, swap: 128 << 20, swappiness: 10, disableOOMKiller: true },
    cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0', realtimePeriod: 1000000, realtimeRuntime: 0 },
    network: { classID: 0x100001, priorities: [{ name: 'eth0', priority: 5 }] },
    devices: [denyAll],
  };
  v1(r, (read, log, apply) => {
    apply();
    assert.is(read('memory', 'memory.limit_in_bytes'), String(64 << 20));
    assert.is(read('memory', 'memory.memsw.limit_in_bytes'), String(128 << 20));
    assert.is(read('memory', 'memory.soft_limit_in_bytes'), String(32 << 20));
    assert.is(read('memory', 'memory.swappiness'), '10');
    assert.is(read('memory', 'memory.oom_control'), '1');
    assert.is(read('cpu,cpuacct', 'cpu.shares'), '512');
    assert.is(read('cpu,cpuacct', 'cpu.cfs_quota_us'), '50000');
    assert.is(read('cpu,cpuacct', 'cpu.cfs_period_us'), '100000');
    assert.is(read('cpu,cpuacct', 'cpu.rt_period_us'), '1000000');
    assert.is(read('cpuset', 'cpuset.cpus'), '0');
    assert.is(read('net_cls,net_prio', 'net_cls.classid'), String(0x100001));
    assert.is(read('net_cls,net_prio', 'net_prio.ifpriomap'), 'eth0 5');
    const dev = log.filter(([f]) => f.includes('/devices/'));
    assert.equal(dev[0]![1], 'a');
    assert.ok(dev[0]![0].endsWith('devices.deny'));
    assert.not.ok(log.some(([f]) => f.includes('/unified/')), 'nothing is written to the hybrid unified hierarchy');
  });
});

test('v1: unlimited memory also lifts swap when swap is accounted; memsw goes first when raising', () => {
  v1({ memory: { limit: -1 } }, (read, _log, apply) => {
    apply();
    assert.is(read('memory', 'memory.limit_in_bytes'), '-1');
  });
  withFakeHost('hybrid', ({ fsRoot, proc }) => {
    const files = fakeCgroupFiles();
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot, files }, proc);
    cg.create();
    const dir = path.join(fsRoot, 'memory/berth/c');
    fs.writeFileSync(path.join(dir, 'memory.memsw.limit_in_bytes'), '9223372036854771712');
    fs.writeFileSync(path.join(dir, 'memory.limit_in_bytes'), '1000');
    cg.applyResources({ resources: { memory: { limit: -1 } } }, quiet);
    assert.is(fs.readFileSync(path.join(dir, 'memory.memsw.limit_in_bytes'), 'utf8'), '-1');
    files.log.length = 0;
    fs.writeFileSync(path.join(dir, 'memory.limit_in_bytes'), '1000'); // the fake keeps the "-1" written above
    cg.applyResources({ resources: { memory: { limit: 2000, swap: 4000 } } }, quiet);
    const order = files.log.map(([f]) => path.basename(f)).filter((f) => f.startsWith('memory.'));
    assert.equal(order, ['memory.memsw.limit_in_bytes', 'memory.limit_in_bytes'], 'raising: memsw first');
  });
});

test('v1: a value for a controller that is not mounted, or unified, is an error naming the field', () => {
  v1({ pids: { limit: 10 } }, (_r, _l, apply) => {
    const err = configError(apply);
    assert.is(err.jsonPath, '/linux/resources/pids/limit');
    assert.match(err.message, /config\.json \/linux\/resources\/pids\/limit: the pids controller is not mounted/);
  });
  v1({ hugepageLimits: [{ pageSize: '2MB', limit: 1 << 21 }] }, (_r, _l, apply) => {
    assert.is(configError(apply).jsonPath, '/linux/resources/hugepageLimits/0');
  });
  v1({ unified: { 'memory.max': '1' } }, (_r, log, apply) => {
    assert.is(configError(apply).jsonPath, '/linux/resources/unified/memory.max');
    assert.is(log.length, 0, 'nothing was written');
  });
});

test('v1: cpu.shares clamped by the kernel is an error', () => {
  withFakeHost('v1', ({ fsRoot, proc }) => {
    const inner = fakeCgroupFiles();
    const files = { ...inner, write: (f: string, v: string) => inner.write(f, f.endsWith('cpu.shares') ? '262144' : v) };
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot, files }, proc);
    cg.create();
    assert.is(configError(() => cg.applyResources({ resources: { cpu: { shares: 1 << 20 } } }, quiet)).jsonPath, '/linux/resources/cpu/shares');
  });
});

// ---- v2 driver on a fake tree ----

function v2(body: (dir: string, files: ReturnType<typeof fakeCgroupFiles>, cg: ReturnType<typeof buildCgroupManager>, fsRoot: string) => void) {
  withFakeHost('v2', ({ fsRoot, proc }) => {
    const files = fakeCgroupFiles();
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot, files }, proc);
    cg.create();
    body(path.join(fsRoot, 'berth/c'), files, cg, fsRoot);
  });
}

test('v2 create: every ancestor from the root down to the parent delegates the controllers', () => {
  v2((dir, files, _cg, fsRoot) => {
    assert.is(files.read(path.join(fsRoot, 'cgroup.subtree_control')), 'cpu io memory pids');
    assert.is(files.read(path.join(fsRoot, 'berth/cgroup.subtree_control')), 'cpu io memory pids');
    assert.not.ok(fs.existsSync(path.join(dir, 'cgroup.subtree_control')), 'the container cgroup itself enables nothing');
  });
});

test('v2: converted values land in the unified files; unified overrides them', () => {
  v2((dir, files, cg) => {
    fs.writeFileSync(path.join(dir, 'cgroup.controllers'), 'cpu cpuset io memory pids hugetlb');
    fs.writeFileSync(path.join(dir, 'memory.high'), 'max');
    fs.writeFileSync(path.join(dir, 'pids.max'), 'max');
    let program: Buffer | undefined;
    const warnings: string[] = [];
    cg.applyResources(
      {
        resources: {
          memory: { limit: 100 << 20, swap: 300 << 20, reservation: 50 << 20, swappiness: 5 },
          cpu: { shares: 1024, quota: 50000, period: 100000, cpus: '0-1', mems: '0' },
          pids: { limit: 0 },
          blockIO: { weight: 500, throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1000 }] },
          hugepageLimits: [{ pageSize: '2MB', limit: 4 << 20 }],
          unified: { 'memory.high': '90000000', 'pids.max': '7' },
          devices: [denyAll],
        },
      },
      { warn: (m) => warnings.push(m), attachDeviceProgram: (d, insns) => ((program = insns), assert.is(d, dir)) },
    );
    const read = (f: string) => files.read(path.join(dir, f));
    assert.is(read('memory.max'), String(100 << 20));
    assert.is(read('memory.swap.max'), String(200 << 20));
    assert.is(read('memory.low'), String(50 << 20));
    assert.is(read('cpu.weight'), '39');
    assert.is(read('cpu.max'), '50000 100000');
    assert.is(read('cpuset.cpus'), '0-1');
    assert.is(read('io.weight'), '4950');
    assert.is(read('io.max'), '8:0 rbps=1000');
    assert.is(read('hugetlb.2MB.max'), String(4 << 20));
    assert.is(read('memory.high'), '90000000');
    assert.is(read('pids.max'), '7', 'unified is written last');
    assert.ok(files.log.findIndex(([f]) => f.endsWith('memory.swap.max')) < files.log.findIndex(([f]) => f.endsWith('memory.max')));
    assert.ok(program && program.length % 8 === 0, 'a device program was attached');
    assert.ok(warnings.some((w) => w.includes('/linux/resources/memory/swappiness')));
    assert.is(cg.openForClone(), -1, 'pids 0: no clone into the cgroup; the child is moved in');
  });
});

test('v2: a missing controller or unknown unified file fails before anything is written', () => {
  v2((dir, files, cg) => {
    files.log.length = 0;
    const err = configError(() => cg.applyResources({ resources: { memory: { limit: 1 << 20 }, unified: { 'conformance.max': '1' } } }, quiet));
    assert.is(err.jsonPath, '/linux/resources/unified/conformance.max');
    assert.match(err.message, /conformance controller/);
    assert.is(files.log.length, 0);
    const err2 = configError(() => cg.applyResources({ resources: { unified: { 'memory.nonsense': '1' } } }, quiet));
    assert.match(err2.message, /memory\.nonsense does not exist/);
    const err3 = configError(() => cg.applyResources({ resources: { hugepageLimits: [{ pageSize: '2MB', limit: 1 }] } }, quiet));
    assert.is(err3.jsonPath, '/linux/resources/hugepageLimits/0/limit');
    assert.match(err3.message, /hugetlb controller/);
    assert.is(configError(() => cg.applyResources({ resources: { cpu: { realtimeRuntime: 1000 } } }, quiet)).jsonPath, '/linux/resources/cpu/realtimeRuntime');
    assert.is(configError(() => cg.applyResources({ resources: { memory: { swap: 1 << 20 } } }, quiet)).jsonPath, '/linux/resources/memory/swap');
    void dir;
  });
});

test('v2: without a way to attach the device program, create fails instead of leaving devices open', () => {
  v2((_dir, _files, cg) => {
    assert.is(configError(() => cg.applyResources({}, { warn: () => undefined })).jsonPath, '/linux/resources/devices');
  });
});

test.run();
