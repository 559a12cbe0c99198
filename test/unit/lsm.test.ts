// LSM labels: the host decision (host/lsm.ts) on fake hosts, and what the plan makes of
// process.apparmorProfile, process.selinuxLabel, linux.mountLabel and exec's --apparmor and
// --process-label on hosts with and without AppArmor and SELinux. The real attribute writes
// cannot happen on the development machine (neither module is there).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/errors.js';
import { detectLsm, type LsmHost } from '../../src/host/lsm.js';
import { buildLaunchPlan } from '../../src/plan/build.js';
import { buildExecPlan, execProcess } from '../../src/plan/exec.js';
import { OpCode, type Op } from '../../src/plan/ops.js';
import { fakeHost } from '../helpers/check-fake-host.js';
import { planInput } from '../helpers/plan-input.js';
import { minimalSpec } from '../helpers/specs.js';

const APPARMOR_58: LsmHost = { apparmor: { enabled: true, execAttr: 'thread-self/attr/apparmor/exec' }, selinux: { enabled: false } };
const SELINUX: LsmHost = { apparmor: { enabled: false, execAttr: 'thread-self/attr/exec' }, selinux: { enabled: true } };
const NEITHER: LsmHost = { apparmor: { enabled: false, execAttr: 'thread-self/attr/exec' }, selinux: { enabled: false } };

const baseFacts = planInput(minimalSpec()).facts;
const procWrites = (ops: Op[]) => ops.filter((o) => o.code === OpCode.WriteProc).map((o) => o.s);

function plan(spec = minimalSpec(), lsm: LsmHost = NEITHER) {
  const warnings: string[] = [];
  let asked = 0;
  const p = buildLaunchPlan(planInput(spec, { facts: { ...baseFacts, lsm: () => (asked++, lsm) }, warn: (m) => warnings.push(m) }));
  return { ops: p.ops, warnings, asked };
}

test('detectLsm: AppArmor from /sys/module/apparmor/parameters/enabled, its own attr directory when the kernel has one', () => {
  const modern = detectLsm(fakeHost({ files: { '/sys/module/apparmor/parameters/enabled': 'Y\n', '/proc/self/attr/apparmor/exec': '' } }));
  assert.equal(modern.apparmor, { enabled: true, execAttr: 'thread-self/attr/apparmor/exec' });
  const older = detectLsm(fakeHost({ files: { '/sys/module/apparmor/parameters/enabled': 'Y\n' } }));
  assert.equal(older.apparmor, { enabled: true, execAttr: 'thread-self/attr/exec' });
  assert.is(detectLsm(fakeHost({ files: { '/sys/module/apparmor/parameters/enabled': 'N\n' } })).apparmor.enabled, false, 'built in, not chosen at boot');
  assert.is(detectLsm(fakeHost()).apparmor.enabled, false);
  assert.is(detectLsm(fakeHost({ files: { '/sys/fs/selinux/enforce': '0\n' } })).selinux.enabled, true, 'permissive is enabled');
  assert.is(detectLsm(fakeHost()).selinux.enabled, false);
});

test('no profile or label in the config: the host is not even asked', () => {
  const { ops, asked } = plan();
  assert.is(asked, 0);
  assert.equal(procWrites(ops), []);
});

test('apparmorProfile with AppArmor: "exec <profile>" into the attr file the host has, before seccomp and the capability drop', () => {
  const spec = minimalSpec();
  spec.process!.apparmorProfile = 'docker-default';
  const { ops } = plan(spec, APPARMOR_58);
  assert.equal(procWrites(ops), [['thread-self/attr/apparmor/exec', 'exec docker-default']]);
  const write = ops.findIndex((o) => o.code === OpCode.WriteProc);
  assert.ok(write < ops.findIndex((o) => o.code === OpCode.Capset), 'while still privileged');
  assert.ok(write > ops.findIndex((o) => o.code === OpCode.MaskPath || o.code === OpCode.PivotRoot), 'after the mounts');
  const older = plan(spec, { ...APPARMOR_58, apparmor: { enabled: true, execAttr: 'thread-self/attr/exec' } });
  assert.equal(procWrites(older.ops), [['thread-self/attr/exec', 'exec docker-default']]);
});

test('apparmorProfile without AppArmor: an error naming /process/apparmorProfile (runc fails too)', () => {
  const spec = minimalSpec();
  spec.process!.apparmorProfile = 'docker-default';
  for (const lsm of [NEITHER, SELINUX]) {
    try {
      plan(spec, lsm);
      assert.unreachable('must refuse');
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.is((e as ConfigError).jsonPath, '/process/apparmorProfile');
      assert.match((e as Error).message, 'AppArmor is not enabled on this host');
    }
  }
});

test('selinuxLabel: written to attr/exec with SELinux, skipped with a warning without', () => {
  const spec = minimalSpec();
  spec.process!.selinuxLabel = 'system_u:system_r:container_t:s0:c1,c2';
  assert.equal(procWrites(plan(spec, SELINUX).ops), [['thread-self/attr/exec', 'system_u:system_r:container_t:s0:c1,c2']]);
  const off = plan(spec, NEITHER);
  assert.equal(procWrites(off.ops), []);
  assert.equal(off.warnings, ['/process/selinuxLabel: SELinux is not enabled on this host: the label "system_u:system_r:container_t:s0:c1,c2" is not applied']);
});

test('mountLabel: context= on tmpfs, devpts and other filesystems, not on proc, sysfs, mqueue, cgroup or binds (as runc)', () => {
  const spec = minimalSpec();
  spec.linux!.mountLabel = 'system_u:object_r:container_file_t:s0';
  spec.mounts = [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['mode=755'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts' },
    { destination: '/sys', type: 'sysfs', source: 'sysfs' },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue' },
    { destination: '/etc/hosts', type: 'bind', source: '/etc/hosts', options: ['bind'] },
  ];
  const dataOf = (ops: Op[], target: string) => ops.filter((o) => o.code === OpCode.Mount && o.s?.[1] === target).map((o) => o.s![3]);
  const on = plan(spec, SELINUX).ops;
  assert.equal(dataOf(on, '/dev'), ['mode=755,context="system_u:object_r:container_file_t:s0"']);
  assert.equal(dataOf(on, '/dev/pts'), ['context="system_u:object_r:container_file_t:s0"']);
  for (const plain of ['/proc', '/sys', '/dev/mqueue']) assert.not.match(dataOf(on, plain).join(), 'context=', plain);
  assert.not.match(dataOf(on, '/etc/hosts').join(), 'context=');
  const off = plan(spec, NEITHER);
  assert.equal(dataOf(off.ops, '/dev'), ['mode=755']);
  assert.equal(off.warnings, ['/linux/mountLabel: SELinux is not enabled on this host: the label "system_u:object_r:container_file_t:s0" is not applied']);
});

test('exec --apparmor and --process-label follow the same rules', () => {
  const flags = { args: ['true'], env: [], additionalGids: [], caps: [], apparmor: 'my-profile', processLabel: 'system_u:system_r:spc_t:s0' };
  const proc = execProcess(minimalSpec().process, flags);
  const input = (lsm: LsmHost, warn: (m: string) => void = () => {}) => ({
    id: 'c1', spec: minimalSpec(), process: proc, rootfs: '/b/rootfs', facts: { lastCap: 40, lsm: () => lsm },
    namespaces: { pidfd: 7, types: ['pid' as const, 'mount' as const] }, sharesMountNs: false, cgroupFd: -1, preservedFds: 0,
    extraEnv: [], noNewKeyring: false, warn,
  });
  const both: LsmHost = { apparmor: APPARMOR_58.apparmor, selinux: { enabled: true } };
  assert.equal(procWrites(buildExecPlan(input(both)).ops), [
    ['thread-self/attr/apparmor/exec', 'exec my-profile'],
    ['thread-self/attr/exec', 'system_u:system_r:spc_t:s0'],
  ]);
  assert.throws(() => buildExecPlan(input(NEITHER)), (e: Error) => e instanceof ConfigError && e.message.includes('AppArmor is not enabled'));
  const warnings: string[] = [];
  const noSelinux = buildExecPlan(input({ ...both, selinux: { enabled: false } }, (m) => warnings.push(m)));
  assert.equal(procWrites(noSelinux.ops), [['thread-self/attr/apparmor/exec', 'exec my-profile']]);
  assert.match(warnings.join(), '/process/selinuxLabel');
});

test.run();
