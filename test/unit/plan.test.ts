import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildLaunchPlan, type PlanInput } from '../../src/plan/build.js';
import { AT_RECURSIVE, CLONE, MOUNT_ATTR, MS } from '../../src/plan/linux-constants.js';
import { OpCode } from '../../src/plan/ops.js';
import { LXCFS_PROC_FILES } from '../../src/spec/rules/mounts.js';
import { ConsolePart } from '../../src/plan/fd-ops.js';
import { parseMountOptions } from '../../src/plan/mount-options.js';
import { capWords } from '../../src/plan/capabilities.js';
import { execCandidates, nodeMaskWords } from '../../src/plan/process.js';
import { ConfigError } from '../../src/errors.js';
import { SyncMsg } from '../../src/sys/sync.js';
import { planInput } from '../helpers/plan-input.js';
import { minimalSpec } from '../helpers/specs.js';
import type { Spec } from '../../src/spec/types.js';

const input = planInput;

const codes = (spec: Spec, extra: Partial<PlanInput> = {}) => buildLaunchPlan(input(spec, extra)).ops.map((o) => o.code);

test('new namespaces are created by clone3 itself on the fast path', () => {
  const plan = buildLaunchPlan(input(minimalSpec()));
  assert.is(plan.cloneFlags, CLONE.NEWPID | CLONE.NEWNS | CLONE.NEWUTS | CLONE.NEWIPC);
  assert.not.ok(plan.forks);
  assert.not.ok(plan.ops.some((o) => o.code === OpCode.Unshare || o.code === OpCode.ForkReport));
});

test('joining a namespace by path moves the rest to unshare and forks for a new pid namespace', () => {
  const spec = minimalSpec({
    linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'network', path: '/proc/1/ns/net' }] },
    hostname: undefined,
  });
  const plan = buildLaunchPlan(input(spec, { namespaceFds: new Map([[2, 42]]) }));
  assert.is(plan.cloneFlags, 0);
  assert.ok(plan.forks);
  const setns = plan.ops.find((o) => o.code === OpCode.Setns)!;
  assert.equal(setns.n, [42, CLONE.NEWNET]);
  const unshare = plan.ops.find((o) => o.code === OpCode.Unshare)!;
  assert.equal(unshare.n, [CLONE.NEWPID | CLONE.NEWNS]);
  const order = plan.ops.map((o) => o.code);
  assert.ok(order.indexOf(OpCode.Setns) < order.indexOf(OpCode.Unshare));
  assert.ok(order.indexOf(OpCode.Unshare) < order.indexOf(OpCode.ForkReport));
});

test('joining a pid namespace guards the fork: tracer first, then only stdio, preserved fds and the exec fifo survive the fork', () => {
  const spec = minimalSpec({ linux: { namespaces: [{ type: 'pid', path: '/proc/1/ns/pid' }, { type: 'mount' }] } });
  const plan = buildLaunchPlan(input(spec, { namespaceFds: new Map([[0, 42]]), preservedFds: 1, execFifoFd: 17 }));
  const c = plan.ops.map((o) => o.code);
  assert.ok(c.indexOf(OpCode.SpawnTracer) < c.indexOf(OpCode.Setns));
  assert.is(c.indexOf(OpCode.CloseExcept), c.indexOf(OpCode.ForkReport) - 1);
  assert.equal(plan.ops.find((o) => o.code === OpCode.ForkReport)!.n, [1]);
  assert.equal(plan.ops.find((o) => o.code === OpCode.CloseExcept)!.n, [0, 1, 2, 3, 17]);
  // A new pid namespace has nobody else in it: a plain fork.
  const own = buildLaunchPlan(input(minimalSpec({ linux: { namespaces: [{ type: 'pid' }, { type: 'network', path: '/proc/1/ns/net' }] } }), { namespaceFds: new Map([[1, 42]]) }));
  assert.ok(own.forks);
  assert.not.ok(own.ops.some((o) => o.code === OpCode.SpawnTracer || o.code === OpCode.CloseExcept));
});

/** A create joining pid namespace fd 42 by path, with `mounts` and masked/read-only paths. */
function joinedPidSpec(mounts: Spec['mounts'], paths: { masked?: string[]; readonly?: string[] } = {}): Spec {
  return minimalSpec({
    mounts,
    linux: {
      namespaces: [{ type: 'pid', path: '/proc/1/ns/pid' }, { type: 'mount' }, { type: 'uts' }],
      maskedPaths: paths.masked,
      readonlyPaths: paths.readonly,
    },
  });
}
const joinedPidPlan = (spec: Spec, extra: Partial<PlanInput> = {}) => buildLaunchPlan(input(spec, { namespaceFds: new Map([[0, 42]]), ...extra }));
const indexOfMount = (plan: { ops: { code: OpCode; s?: string[] }[] }, dest: string) => plan.ops.findIndex((o) => o.code === OpCode.Mount && o.s?.[1] === dest);

test('joining a pid namespace: the first stage mounts and pivots before the fork; only the procfs and what lands on it wait', () => {
  const spec = joinedPidSpec([
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind'] },
    { destination: '/proc/driver', type: 'tmpfs', source: 'tmpfs' },
  ], { masked: ['/proc/kcore', '/sys/firmware'], readonly: ['/proc/sys', '/etc'] });
  spec.root!.readonly = true;
  const plan = joinedPidPlan(spec);
  const c = plan.ops.map((o) => o.code);
  const fork = c.indexOf(OpCode.ForkReport);
  assert.ok(c.indexOf(OpCode.PivotRoot) < fork, 'pivot_root in the invisible first stage');
  assert.ok(indexOfMount(plan, '/data') < fork, 'the host bind before the fork');
  assert.ok(c.indexOf(OpCode.Sethostname) < fork);
  const masked = (p: string) => plan.ops.findIndex((o) => (o.code === OpCode.MaskPath || o.code === OpCode.ReadonlyPath) && o.s?.[0] === p);
  assert.ok(masked('/sys/firmware') < fork && masked('/etc') < fork, 'paths away from /proc before the fork');
  // After the fork: the root reopened, then the procfs, the mount on top of it, its paths.
  const reopen = plan.ops.findIndex((o, i) => i > fork && o.code === OpCode.OpenRoot);
  assert.equal(plan.ops[reopen]!.s, ['/']);
  assert.ok(reopen < indexOfMount(plan, '/proc') && indexOfMount(plan, '/proc') < indexOfMount(plan, '/proc/driver'));
  assert.ok(indexOfMount(plan, '/proc/driver') < masked('/proc/sys') && masked('/proc/sys') < masked('/proc/kcore'));
  const rootRo = plan.ops.findIndex((o) => o.code === OpCode.Mount && o.s?.[1] === '/' && (Number(o.n![0]) & MS.RDONLY) !== 0);
  assert.ok(rootRo > masked('/proc/kcore'), 'the read-only root last');
  assert.equal(plan.ops[fork]!.n, [1], 'still the traced fork');
  assert.equal(plan.ops[fork - 1]!.n, [0, 1, 2, 9], 'the root fd is not kept: stdio and the exec fifo');
});

test('joining a pid namespace: a later mount on an ancestor of the procfs still covers it; a host bind that must follow it keeps the fork first', () => {
  const covered = joinedPidPlan(joinedPidSpec([
    { destination: '/run/proc', type: 'proc', source: 'proc' },
    { destination: '/run', type: 'tmpfs', source: 'tmpfs' },
    { destination: '/tmp', type: 'tmpfs', source: 'tmpfs' },
  ]));
  const fork = covered.ops.findIndex((o) => o.code === OpCode.ForkReport);
  assert.ok(indexOfMount(covered, '/tmp') < fork);
  assert.ok(fork < indexOfMount(covered, '/run/proc') && indexOfMount(covered, '/run/proc') < indexOfMount(covered, '/run'), 'config order kept');
  // An lxcfs-style bind onto a file of /proc where procfs lacks "pidns": its host source is
  // gone after pivot_root (with "pidns" every mount keeps its place: see the next tests).
  const lxcfs = joinedPidPlan(joinedPidSpec([
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/proc/meminfo', type: 'bind', source: '/etc/hosts', options: ['bind'] },
  ]));
  const l = lxcfs.ops.map((o) => o.code);
  assert.ok(l.indexOf(OpCode.ForkReport) < indexOfMount(lxcfs, '/proc') && l.indexOf(OpCode.ForkReport) < l.indexOf(OpCode.PivotRoot));
  // Without "pidns" createContainer hooks, which run after the mounts (/proc among them) and
  // before pivot_root, keep the fork first.
  const hooks = joinedPidPlan(joinedPidSpec([{ destination: '/proc', type: 'proc', source: 'proc' }]), { createHooks: true });
  const h = hooks.ops.map((o) => o.code);
  assert.ok(h.indexOf(OpCode.ForkReport) < h.indexOf(OpCode.SendSync) && h.indexOf(OpCode.SendSync) < h.indexOf(OpCode.PivotRoot));
});

const pidns = (spec: Spec) => ({ facts: { ...input(spec).facts, userNamespaces: () => true, procfsPidns: () => true } });

test('joining a pid namespace where procfs takes "pidns": every mount in config order before pivot_root, each procfs made for the joined namespace where mount(2) would make it; host binds, idmapped binds and cgroup mounts after it too', () => {
  const spec = joinedPidSpec([
    { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind'] },
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/proc/meminfo', source: '/etc/hosts', options: ['bind', 'ro'] },
    { destination: '/proc/driver', type: 'tmpfs', source: 'tmpfs' },
    { destination: '/proc/cpuinfo', source: '/etc/hosts', options: ['bind', 'idmap'] },
    { destination: '/proc/fs/cgroup', type: 'cgroup', source: 'cgroup' },
    ...LXCFS_PROC_FILES.map((destination) => ({ destination, source: '/srv/data', options: ['bind'] })),
  ], { masked: ['/proc/kcore'] });
  spec.linux!.namespaces!.push({ type: 'user' }, { type: 'cgroup' });
  spec.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
  spec.linux!.gidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
  for (const userNs of [false, true]) {
    if (!userNs) spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'user');
    const plan = joinedPidPlan(spec, pidns(spec));
    const c = plan.ops.map((o) => o.code);
    const pivot = c.indexOf(OpCode.PivotRoot);
    const fork = c.indexOf(OpCode.ForkReport);
    assert.ok(pivot >= 0 && pivot < fork, 'the fork after pivot_root');
    // ProcMake right before its ProcPlace, at the procfs's place in config order.
    const make = c.indexOf(OpCode.ProcMake);
    assert.equal(plan.ops[make]!.n, [0, MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC, 42]);
    assert.is(c[make + 1], OpCode.ProcPlace);
    assert.equal(plan.ops[make + 1]!.s, ['/proc']);
    const place = make + 1;
    const meminfo = indexOfMount(plan, '/proc/meminfo');
    const idmap = c.indexOf(OpCode.SendSync);
    assert.equal(plan.ops[idmap]!.n, [SyncMsg.IdmapMount]);
    const cgroup = plan.ops.findIndex((o) => o.s?.[1]?.startsWith('/proc/fs/cgroup'));
    assert.ok(indexOfMount(plan, '/data') < make && place < meminfo && meminfo < indexOfMount(plan, '/proc/driver'), 'config order');
    assert.ok(indexOfMount(plan, '/proc/driver') < idmap && idmap < cgroup && cgroup < pivot, 'the idmapped bind and the cgroup mount before pivot_root');
    for (const f of LXCFS_PROC_FILES) assert.ok(indexOfMount(plan, f) < pivot, f);
    const mask = c.indexOf(OpCode.MaskPath);
    assert.ok(pivot < mask && mask < c.indexOf(OpCode.CloseExcept) && c.indexOf(OpCode.CloseExcept) < fork);
    assert.not.ok(c.includes(OpCode.ProcMount), 'no throwaway');
    assert.not.ok(plan.ops.slice(fork).some((o) => [OpCode.Mount, OpCode.ProcMake, OpCode.ProcPlace, OpCode.PivotRoot, OpCode.MaskPath].includes(o.code)), 'no mount after the fork');
  }
});

test('joining a pid namespace where procfs takes "pidns", with create hooks: the first stage stops for them after the mounts and before pivot_root; the init stops only for startContainer hooks', () => {
  const spec = joinedPidSpec([
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/proc/meminfo', source: '/etc/hosts', options: ['bind'] },
  ]);
  const plan = joinedPidPlan(spec, { ...pidns(spec), createHooks: true });
  const c = plan.ops.map((o) => o.code);
  const stops = plan.ops.flatMap((o, i) => (o.code === OpCode.SendSync && o.n![0] === SyncMsg.CreateHooks ? [i] : []));
  assert.is(stops.length, 1, 'one stop: no startContainer hooks');
  assert.ok(indexOfMount(plan, '/proc/meminfo') < stops[0]! && stops[0]! < c.indexOf(OpCode.PivotRoot));
  assert.ok(c.indexOf(OpCode.PivotRoot) < c.indexOf(OpCode.ForkReport));
  spec.hooks = { startContainer: [{ path: '/bin/true' }] };
  const both = joinedPidPlan(spec, { ...pidns(spec), createHooks: true });
  const b = both.ops.map((o) => o.code);
  const bothStops = both.ops.flatMap((o, i) => (o.code === OpCode.SendSync && o.n![0] === SyncMsg.CreateHooks ? [i] : []));
  assert.is(bothStops.length, 2);
  assert.ok(bothStops[0]! < b.indexOf(OpCode.PivotRoot) && b.indexOf(OpCode.ForkReport) < bothStops[1]!, 'the second stop names the init');
});

test('joining a pid namespace: without a mount namespace the fork comes first even where procfs takes "pidns" (in a user namespace a process label or a proc flag without an fsmount form too: the test above)', () => {
  const forkFirst = (spec: Spec, extra: Partial<PlanInput> = {}) => {
    const c = joinedPidPlan(spec, { ...pidns(spec), ...extra }).ops.map((o) => o.code);
    return c.indexOf(OpCode.ForkReport) >= 0 && !c.includes(OpCode.ProcMake) && (c.indexOf(OpCode.PivotRoot) < 0 || c.indexOf(OpCode.ForkReport) < c.indexOf(OpCode.PivotRoot));
  };
  const proc = { destination: '/proc', type: 'proc', source: 'proc' };
  const shared = joinedPidSpec([proc]);
  shared.linux!.namespaces = shared.linux!.namespaces!.filter((n) => n.type !== 'mount');
  assert.ok(forkFirst(shared));
  // Everything else, with "pidns": the new order.
  assert.not.ok(forkFirst(joinedPidSpec([proc, ...Array.from({ length: 20 }, (_, i) => ({ destination: `/proc/b${i}`, source: '/srv/data', options: ['bind'] }))])));
});

test('joining a pid namespace where user namespaces can be made: the first stage makes the procfs too (ProcMount), after the closes; nothing is mounted after the fork', () => {
  const spec = joinedPidSpec([
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev', 'hidepid=2'] },
    { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind'] },
    { destination: '/proc/driver', type: 'tmpfs', source: 'tmpfs' },
  ], { masked: ['/proc/kcore'], readonly: ['/proc/sys'] });
  spec.root!.readonly = true;
  const base = input(spec);
  const plan = joinedPidPlan(spec, { facts: { ...base.facts, userNamespaces: () => true } });
  const c = plan.ops.map((o) => o.code);
  const close = c.indexOf(OpCode.CloseExcept);
  const fork = c.indexOf(OpCode.ForkReport);
  const procMount = plan.ops.find((o) => o.code === OpCode.ProcMount)!;
  assert.equal(procMount.n, [MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC, 1, 1]);
  assert.equal(procMount.s, ['/proc', 'hidepid=2']);
  assert.ok(c.indexOf(OpCode.PivotRoot) < close && close < c.indexOf(OpCode.OpenRoot, close) && c.indexOf(OpCode.OpenRoot, close) < c.indexOf(OpCode.ProcMount));
  assert.ok(c.indexOf(OpCode.ProcMount) < indexOfMount(plan, '/proc/driver') && indexOfMount(plan, '/proc/driver') < fork);
  assert.ok(c.indexOf(OpCode.MaskPath) < fork && c.indexOf(OpCode.ReadonlyPath) < fork);
  assert.not.ok(plan.ops.slice(fork).some((o) => o.code === OpCode.Mount || o.code === OpCode.MaskPath || o.code === OpCode.ReadonlyPath), 'no mount after the fork');
  assert.equal(plan.ops[close]!.n, [0, 1, 2, 9]);
  // A flag fsmount has no attribute for: the init mounts that procfs after the fork.
  const sync = joinedPidSpec([{ destination: '/proc', type: 'proc', source: 'proc', options: ['sync'] }]);
  const fallback = joinedPidPlan(sync, { facts: { ...base.facts, userNamespaces: () => true } });
  assert.not.ok(fallback.ops.some((o) => o.code === OpCode.ProcMount));
  assert.ok(fallback.ops.findIndex((o) => o.code === OpCode.ForkReport) < indexOfMount(fallback, '/proc'));
  // In a user namespace where procfs lacks "pidns": the fork before every mount.
  const userns = joinedPidSpec([{ destination: '/proc', type: 'proc', source: 'proc' }]);
  userns.linux!.namespaces!.push({ type: 'user' });
  userns.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  userns.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  const u = joinedPidPlan(userns, { facts: { ...base.facts, userNamespaces: () => true } }).ops.map((o) => o.code);
  assert.ok(u.indexOf(OpCode.ForkReport) < u.indexOf(OpCode.PivotRoot));
});

/** joinedPidSpec in a user namespace joined by path (index 3, fd 43) or created with maps. */
function joinedPidInUserNs(spec: Spec, how: 'joined' | 'new'): Spec {
  if (how === 'joined') spec.linux!.namespaces!.push({ type: 'user', path: '/proc/1/ns/user' });
  else {
    spec.linux!.namespaces!.push({ type: 'user' });
    spec.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    spec.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  }
  return spec;
}

test('joining a pid namespace in a user namespace: each procfs is made (ProcMake, the joined namespace by its fd) and placed (ProcPlace) in config order before pivot_root, before the closes and the fork', () => {
  for (const how of ['joined', 'new'] as const) {
    const spec = joinedPidInUserNs(joinedPidSpec([
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev', 'hidepid=2'] },
      { destination: '/data', type: 'tmpfs', source: 'tmpfs' },
      { destination: '/proc/driver', type: 'tmpfs', source: 'tmpfs' },
      { destination: '/run/proc', type: 'proc', source: 'proc', options: ['ro', 'subset=pid'] },
    ], { masked: ['/proc/kcore', '/etc/hidden'], readonly: ['/proc/sys'] }), how);
    spec.linux!.sysctl = { 'kernel.shm_rmid_forced': '1' };
    const base = input(spec);
    let asked = 0;
    const facts = { ...base.facts, userNamespaces: () => true, procfsPidns: () => (asked++, true) };
    const plan = joinedPidPlan(spec, { facts, namespaceFds: new Map([[0, 42], [3, 43]]) });
    const c = plan.ops.map((o) => o.code);
    assert.is(asked, 1, how);
    const pivot = c.indexOf(OpCode.PivotRoot);
    const close = c.indexOf(OpCode.CloseExcept);
    const fork = c.indexOf(OpCode.ForkReport);
    assert.not.ok(c.includes(OpCode.ProcMount), 'no throwaway');
    // The joined pid namespace's fd stays open after setns: ProcMake names it.
    const setnsPid = plan.ops.find((o) => o.code === OpCode.Setns && o.n![0] === 42)!;
    assert.equal(setnsPid.n, [42, CLONE.NEWPID, 1]);
    assert.ok(plan.ops.filter((o) => o.code === OpCode.Setns && o.n![0] !== 42).every((o) => o.n!.length === 2), 'other namespace fds are closed');
    const made = plan.ops.filter((o) => o.code === OpCode.ProcMake);
    assert.equal(made.map((o) => [o.n, o.s]), [
      [[0, MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC, 42], ['/proc', 'hidepid=2']],
      [[1, MOUNT_ATTR.RDONLY, 42], ['/run/proc', 'subset=pid']],
    ]);
    const placed = plan.ops.filter((o) => o.code === OpCode.ProcPlace);
    assert.equal(placed.map((o) => [o.n, o.s]), [[[0, 1, 1], ['/proc']], [[1, 1, 1], ['/run/proc']]]);
    // Made while the host's procfs is still in the mount namespace, each right before its
    // place in config order, all before pivot_root.
    const place0 = c.indexOf(OpCode.ProcPlace);
    assert.is(c[place0 - 1], OpCode.ProcMake);
    assert.ok(place0 < indexOfMount(plan, '/data') && indexOfMount(plan, '/data') < indexOfMount(plan, '/proc/driver'), how);
    assert.ok(indexOfMount(plan, '/proc/driver') < c.lastIndexOf(OpCode.ProcMake) && c.lastIndexOf(OpCode.ProcPlace) < pivot, how);
    // Then, after pivot_root, the sysctls (through the procfs placed at /proc), the read-only
    // and the masked paths, the closes (the mount fds are not kept) and the fork.
    const sysctl = plan.ops.findIndex((o) => o.code === OpCode.WriteProc && o.s![0] === 'sys/kernel/shm_rmid_forced');
    const maskProc = plan.ops.findIndex((o) => o.code === OpCode.MaskPath && o.s![0] === '/proc/kcore');
    assert.ok(pivot < sysctl && sysctl < c.indexOf(OpCode.ReadonlyPath) && c.indexOf(OpCode.ReadonlyPath) < maskProc, how);
    assert.ok(maskProc < close && close < fork);
    // The root fd does not survive the closes: reopened before the privileged steps.
    assert.is(c[close + 1], OpCode.OpenRoot);
    assert.not.ok(plan.ops.slice(fork).some((o) => [OpCode.Mount, OpCode.MaskPath, OpCode.ReadonlyPath, OpCode.PivotRoot].includes(o.code)), 'no mount after the fork');
  }
  // Without "pidns" (or with a flag fsmount has no attribute for): the fork before every mount.
  const spec = joinedPidInUserNs(joinedPidSpec([{ destination: '/proc', type: 'proc', source: 'proc' }]), 'joined');
  const base = input(spec);
  const without = joinedPidPlan(spec, { facts: { ...base.facts, userNamespaces: () => true, procfsPidns: () => false }, namespaceFds: new Map([[0, 42], [3, 43]]) });
  const w = without.ops.map((o) => o.code);
  assert.ok(w.indexOf(OpCode.ForkReport) < w.indexOf(OpCode.PivotRoot) && !w.includes(OpCode.ProcMake));
  // With an AppArmor profile to write: no /proc/self for the first stage after pivot_root.
  const labelled = joinedPidInUserNs(joinedPidSpec([{ destination: '/proc', type: 'proc', source: 'proc' }]), 'joined');
  labelled.process!.apparmorProfile = 'cri-containerd.apparmor.d';
  const lsm = () => ({ apparmor: { enabled: true, execAttr: 'self/attr/apparmor/exec' }, selinux: { enabled: false } }) as never;
  const l = joinedPidPlan(labelled, { facts: { ...base.facts, lsm, procfsPidns: () => true }, namespaceFds: new Map([[0, 42], [3, 43]]) }).ops.map((o) => o.code);
  assert.ok(l.indexOf(OpCode.ForkReport) < l.indexOf(OpCode.PivotRoot) && !l.includes(OpCode.ProcMake));
  const sync = joinedPidInUserNs(joinedPidSpec([{ destination: '/proc', type: 'proc', source: 'proc', options: ['sync'] }]), 'joined');
  const s = joinedPidPlan(sync, { facts: { ...base.facts, procfsPidns: () => true }, namespaceFds: new Map([[0, 42], [3, 43]]) }).ops.map((o) => o.code);
  assert.ok(s.indexOf(OpCode.ForkReport) < s.indexOf(OpCode.PivotRoot) && !s.includes(OpCode.ProcMake));
  // Outside a user namespace the same where procfs takes "pidns": no throwaway either.
  const plain = joinedPidSpec([{ destination: '/proc', type: 'proc', source: 'proc' }]);
  const p = joinedPidPlan(plain, { facts: { ...input(plain).facts, userNamespaces: () => true, procfsPidns: () => true } });
  const pc = p.ops.map((o) => o.code);
  assert.ok(pc.indexOf(OpCode.ProcMake) < pc.indexOf(OpCode.ProcPlace) && pc.indexOf(OpCode.ProcPlace) < pc.indexOf(OpCode.PivotRoot));
  assert.ok(pc.indexOf(OpCode.PivotRoot) < pc.indexOf(OpCode.CloseExcept) && !pc.includes(OpCode.ProcMount));
  assert.equal(p.ops.find((o) => o.code === OpCode.Setns)!.n, [42, CLONE.NEWPID, 1]);
  assert.equal(p.ops[pc.indexOf(OpCode.CloseExcept)]!.n, [0, 1, 2, 9], 'the pid namespace fd closed before the fork');
});

test('joining a pid namespace: the terminal and startContainer hooks\' stop come after the fork', () => {
  const spec = joinedPidSpec([{ destination: '/proc', type: 'proc', source: 'proc' }]);
  spec.process!.terminal = true;
  spec.hooks = { startContainer: [{ path: '/bin/true' }] };
  const plan = joinedPidPlan(spec);
  const c = plan.ops.map((o) => o.code);
  assert.ok(c.indexOf(OpCode.PivotRoot) < c.indexOf(OpCode.ForkReport));
  assert.ok(c.indexOf(OpCode.ForkReport) < c.indexOf(OpCode.Console), 'TIOCSCTTY needs the init\'s session');
  assert.ok(c.indexOf(OpCode.ForkReport) < c.indexOf(OpCode.SendSync), 'the hooks\' state names the init\'s pid');
});

test('joining a pid namespace with ProcMount: every privileged step before the fork; after it only setsid, the terminal, the hooks\' stop, seccomp with no_new_privs, the fifo, execve', () => {
  const spec = joinedPidSpec([{ destination: '/proc', type: 'proc', source: 'proc' }], { readonly: ['/proc/sys'] });
  spec.root!.readonly = true;
  spec.process = {
    ...spec.process!,
    terminal: true,
    oomScoreAdj: 5,
    rlimits: [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 10 }],
    scheduler: { policy: 'SCHED_OTHER', nice: 1 },
    ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 4 },
    user: { uid: 1000, gid: 1000, umask: 0o077 },
    noNewPrivileges: true,
  };
  spec.linux!.personality = { domain: 'LINUX' };
  spec.hooks = { startContainer: [{ path: '/bin/true' }] };
  const base = input(spec);
  const withUserNs = { facts: { ...base.facts, userNamespaces: () => true }, seccomp: { bpf: new Uint8Array(8), flags: 0 } };
  const plan = joinedPidPlan(spec, withUserNs);
  const c = plan.ops.map((o) => o.code);
  const fork = c.indexOf(OpCode.ForkReport);
  assert.equal(c.slice(fork + 1), [
    OpCode.Setsid, OpCode.Console, OpCode.SendSync, OpCode.WaitSync, OpCode.SendSync, OpCode.WaitStart, OpCode.RunHook,
    OpCode.Seccomp, OpCode.PrepareStdio, OpCode.Exec,
  ]);
  for (const before of [
    OpCode.ProcMount, OpCode.WriteProc, OpCode.Setrlimit, OpCode.SchedSetattr, OpCode.IoprioSet, OpCode.Personality, OpCode.JoinKeyring,
    OpCode.PasswdHome, OpCode.Setgroups, OpCode.Setresgid, OpCode.Setresuid, OpCode.Capset, OpCode.Chdir, OpCode.ResolveExec, OpCode.Prctl,
  ]) {
    assert.ok(c.includes(before) && c.lastIndexOf(before) < fork, `op ${before} before the fork`);
  }
  const [made, ctty] = plan.ops.filter((o) => o.code === OpCode.Console);
  assert.equal(made!.s, ['/dev/pts/ptmx', '/dev/console'], 'the peer bound on /dev/console by the first stage');
  assert.equal(made!.n, [0, 0, 1000, ConsolePart.AllButControllingTerminal]);
  assert.equal(ctty!.n![3], ConsolePart.ControllingTerminal);
  const rootRo = plan.ops.findIndex((o) => o.code === OpCode.Mount && o.s?.[1] === '/' && (Number(o.n![0]) & MS.RDONLY) !== 0);
  assert.ok(plan.ops.indexOf(made!) < rootRo && rootRo < c.indexOf(OpCode.Capset), 'the read-only root after /dev/console, while still privileged');
  // Without no_new_privs the filter needs CAP_SYS_ADMIN: before the user switch, so before the fork.
  spec.process.noNewPrivileges = false;
  const plain = joinedPidPlan(spec, withUserNs).ops.map((o) => o.code);
  assert.ok(plain.indexOf(OpCode.Seccomp) < plain.indexOf(OpCode.Capset) && plain.indexOf(OpCode.Capset) < plain.indexOf(OpCode.ForkReport));
  // A SCHED_DEADLINE task cannot fork: that policy is the init's.
  spec.process.scheduler = { policy: 'SCHED_DEADLINE', runtime: 10000, deadline: 20000, period: 30000 };
  const dl = joinedPidPlan(spec, withUserNs).ops.map((o) => o.code);
  assert.is(dl.indexOf(OpCode.SchedSetattr), dl.indexOf(OpCode.Setsid) + 1);
  // Its own pid namespace (nobody sees the init): unchanged, the whole terminal in one step after pivot_root.
  const own = buildLaunchPlan(input(minimalSpec({ process: { ...spec.process, scheduler: undefined } }), withUserNs));
  const ownConsole = own.ops.find((o) => o.code === OpCode.Console)!;
  assert.equal(ownConsole.n, [0, 0, 1000]);
  assert.ok(own.ops.indexOf(ownConsole) > own.ops.findIndex((o) => o.code === OpCode.PivotRoot));
});

test('without a mount namespace the host propagation is left alone and the child chroots', () => {
  const plan = buildLaunchPlan(input(minimalSpec({ linux: { namespaces: [{ type: 'pid' }] } })));
  assert.ok(plan.sharesMountNs);
  assert.not.ok(plan.ops.some((o) => o.code === OpCode.Mount && o.s?.[1] === '/'), 'no propagation change on the host /');
  assert.ok(plan.ops.some((o) => o.code === OpCode.Chroot));
  assert.not.ok(plan.ops.some((o) => o.code === OpCode.PivotRoot || o.code === OpCode.MoveRoot));
  const own = buildLaunchPlan(input(minimalSpec()));
  assert.not.ok(own.sharesMountNs);
  assert.ok(own.ops.some((o) => o.code === OpCode.PivotRoot));
});

test('joining a user namespace becomes its root, tolerating an unmapped 0', () => {
  const plan = buildLaunchPlan(input(minimalSpec({ linux: { namespaces: [{ type: 'mount' }, { type: 'user', path: '/proc/1/ns/user' }] } }), { namespaceFds: new Map([[1, 9]]) }));
  const codes = plan.ops.map((o) => o.code);
  const setns = codes.indexOf(OpCode.Setns);
  assert.equal(plan.ops.slice(setns + 1, setns + 3).map((o) => [o.code, o.n]), [[OpCode.Setresgid, [0, 1]], [OpCode.Setresuid, [0, 1]]]);
});

test('the child waits for Go when the parent has to place it in its cgroup', () => {
  assert.ok(buildLaunchPlan(input(minimalSpec())).waitsForGo);
  const v2 = buildLaunchPlan(input(minimalSpec(), { cgroupFd: 5 }));
  assert.not.ok(v2.waitsForGo);
  assert.not.ok(v2.ops.some((o) => o.code === OpCode.WaitSync && o.n?.[0] === SyncMsg.Go));
});

test('a new cgroup namespace waits for placement unless clone3 places the child', () => {
  const spec = minimalSpec({ linux: { namespaces: [{ type: 'mount' }, { type: 'cgroup' }] } , hostname: undefined});
  const v1 = buildLaunchPlan(input(spec));
  assert.is(v1.cloneFlags & CLONE.NEWCGROUP, 0);
  const ops = v1.ops.map((o) => o.code);
  assert.ok(ops.indexOf(OpCode.WaitSync) < ops.indexOf(OpCode.Unshare));
  const v2 = buildLaunchPlan(input(spec, { cgroupFd: 3 }));
  assert.is(v2.cloneFlags & CLONE.NEWCGROUP, CLONE.NEWCGROUP);
});

test('bind mounts are created as a file or a directory to match the source, and remounted for flags', () => {
  const spec = minimalSpec({
    mounts: [
      { destination: '/etc/hosts', type: 'bind', source: '/etc/hosts', options: ['rbind', 'ro', 'nosuid'] },
      { destination: 'data', source: '/srv', options: ['bind', 'rprivate'] },
    ],
  });
  const mounts = buildLaunchPlan(input(spec)).ops.filter((o) => o.code === OpCode.Mount && o.n?.[1] === 1);
  assert.equal(mounts[0]!.n, [MS.BIND | MS.REC, 1, 2, 0]);
  assert.equal(mounts[0]!.s, ['/etc/hosts', '/etc/hosts', '', '']);
  assert.equal(mounts[1]!.n, [MS.BIND | MS.REMOUNT | MS.RDONLY | MS.NOSUID, 1, 0, 0]);
  assert.equal(mounts[2]!.s![1], '/data', 'relative destinations are relative to /');
  assert.equal(mounts[2]!.n, [MS.BIND, 1, 1, 0]);
  assert.equal(mounts[3]!.n, [MS.PRIVATE | MS.REC, 1, 0, 0]);
});

test('a missing bind source names the mount', () => {
  const spec = minimalSpec({ mounts: [{ destination: '/x', type: 'bind', source: '/missing/x', options: ['bind'] }] });
  assert.throws(() => buildLaunchPlan(input(spec)), (e: unknown) => e instanceof ConfigError && e.jsonPath === '/mounts/0/source');
});

test('filesystem mounts pass data options through', () => {
  const spec = minimalSpec({ mounts: [{ destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755', 'size=65536k'] }] });
  const m = buildLaunchPlan(input(spec)).ops.find((o) => o.code === OpCode.Mount && o.s?.[1] === '/dev')!;
  assert.equal(m.s, ['tmpfs', '/dev', 'tmpfs', 'mode=755,size=65536k']);
  assert.is(m.n![0], MS.NOSUID);
});

test('unsupported mount options are refused, not ignored', () => {
  const spec = minimalSpec({ mounts: [{ destination: '/x', type: 'tmpfs', source: 'tmpfs', options: ['tmpcopyup'] }] });
  assert.throws(() => buildLaunchPlan(input(spec)), (e: unknown) => e instanceof ConfigError && e.jsonPath === '/mounts/0/options');
});

test('recursive options become one mount_setattr with AT_RECURSIVE; the atime mode is one value', () => {
  const spec = minimalSpec({ mounts: [{ destination: '/x', type: 'bind', source: '/tmp', options: ['rbind', 'rro', 'rnosuid', 'rexec', 'rstrictatime', 'rnoatime'] }] });
  const op = buildLaunchPlan(input(spec)).ops.find((o) => o.code === OpCode.MountSetattr)!;
  assert.ok(op, 'a MountSetattr op');
  assert.equal(op.s, ['/x']);
  assert.equal(op.n, [MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NOATIME, MOUNT_ATTR.NOEXEC | MOUNT_ATTR.ATIME_MASK, AT_RECURSIVE]);
  const o = parseMountOptions(['rro', 'rrw', 'ratime']);
  assert.is(o.attrSet, MOUNT_ATTR.RELATIME);
  assert.is(o.attrClr, MOUNT_ATTR.RDONLY | MOUNT_ATTR.ATIME_MASK);
  assert.is(parseMountOptions(['iversion']).flags, MS.I_VERSION);
  assert.is(parseMountOptions(['iversion', 'noiversion']).flags, 0);
  assert.is(parseMountOptions(['iversion']).data, '');
});

test('mount option parsing: opposites cancel and propagation is separate', () => {
  const o = parseMountOptions(['ro', 'rw', 'noexec', 'rslave', 'uid=5']);
  assert.is(o.flags, MS.NOEXEC);
  assert.equal(o.propagation, [MS.SLAVE | MS.REC]);
  assert.is(o.data, 'uid=5');
});

test('default devices are made with mknod, or bound from the host in a user namespace', () => {
  const plain = buildLaunchPlan(input(minimalSpec()));
  const nodes = plain.ops.filter((o) => o.code === OpCode.Mknod).map((o) => o.s![0]);
  assert.equal(nodes, ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty']);
  const userSpec = minimalSpec({
    linux: {
      namespaces: [{ type: 'user' }, { type: 'mount' }, { type: 'pid' }, { type: 'uts' }],
      uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
    },
  });
  const userns = buildLaunchPlan(input(userSpec));
  assert.not.ok(userns.ops.some((o) => o.code === OpCode.Mknod));
  assert.ok(userns.ops.some((o) => o.code === OpCode.Mount && o.s?.[0] === '/dev/null' && o.n?.[2] === 2));
  assert.ok(userns.waitsForGo, 'the parent writes the id maps before the child goes on');
  assert.ok(userns.ops.some((o) => o.code === OpCode.Setresuid && o.n?.[0] === 0));
});

test('a bind-mounted /dev gets no device nodes', () => {
  const spec = minimalSpec({ mounts: [{ destination: '/dev', source: '/dev', options: ['rbind'] }] });
  assert.not.ok(codes(spec).includes(OpCode.Mknod));
});

test('sysctls are written before readonlyPaths, masks after, and the read-only root last', () => {
  const spec = minimalSpec({
    root: { path: 'rootfs', readonly: true },
    linux: {
      namespaces: [{ type: 'mount' }, { type: 'ipc' }],
      sysctl: { 'kernel.msgmax': '4096' },
      readonlyPaths: ['/proc/sys'],
      maskedPaths: ['/proc/kcore'],
    },
    hostname: undefined,
  });
  const ops = buildLaunchPlan(input(spec)).ops;
  const iSysctl = ops.findIndex((o) => o.code === OpCode.WriteProc && o.s?.[0] === 'sys/kernel/msgmax');
  const iRo = ops.findIndex((o) => o.code === OpCode.ReadonlyPath);
  const iMask = ops.findIndex((o) => o.code === OpCode.MaskPath);
  const iRoot = ops.findIndex((o) => o.code === OpCode.Mount && o.s?.[1] === '/' && ((o.n![0]! & MS.RDONLY) !== 0));
  const iPivot = ops.findIndex((o) => o.code === OpCode.PivotRoot);
  assert.ok(iPivot < iSysctl && iSysctl < iRo && iRo < iMask && iMask < iRoot, `order ${[iPivot, iSysctl, iRo, iMask, iRoot]}`);
});

test('capabilities: bounding drops, uid switch, capset, then ambient; unknown names skipped', () => {
  const warnings: string[] = [];
  const spec = minimalSpec();
  spec.process!.capabilities = { bounding: ['CAP_KILL', 'CAP_BOGUS'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'], ambient: ['CAP_KILL'] };
  spec.process!.user = { uid: 1000, gid: 1000, additionalGids: [5, 6] };
  const ops = buildLaunchPlan(input(spec, { warn: (m) => warnings.push(m) })).ops;
  assert.equal(warnings, [], 'unknown names are warned once, by spec/semantic.ts');
  const drops = ops.filter((o) => o.code === OpCode.Prctl && o.n?.[0] === 24).map((o) => o.n![1]);
  assert.is(drops.length, 40);
  assert.not.ok(drops.includes(5));
  const i = (c: OpCode) => ops.findIndex((o) => o.code === c);
  assert.ok(i(OpCode.Setgroups) < i(OpCode.Setresgid) && i(OpCode.Setresgid) < i(OpCode.Setresuid) && i(OpCode.Setresuid) < i(OpCode.Capset));
  assert.equal(ops[i(OpCode.Setgroups)]!.n, [5, 6]);
  assert.equal(ops[i(OpCode.Capset)]!.n, [32, 0, 32, 0, 0, 0]);
});

test('capabilities the runtime does not hold are warned about and left out; ambient needs permitted and inheritable', () => {
  const warnings: string[] = [];
  const spec = minimalSpec();
  // CAP_KILL = 5, CAP_NET_BIND_SERVICE = 10, CAP_SYS_RESOURCE = 24
  spec.process!.capabilities = {
    bounding: ['CAP_KILL', 'CAP_SYS_RESOURCE', 'CAP_NET_BIND_SERVICE'],
    effective: ['CAP_KILL', 'CAP_SYS_RESOURCE'],
    permitted: ['CAP_KILL', 'CAP_SYS_RESOURCE'],
    inheritable: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
    ambient: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
  };
  const held = (1n << 41n) - 1n - (1n << 24n);
  const ops = buildLaunchPlan(input(spec, { warn: (m) => warnings.push(m), facts: { isDirectory: () => true, lastCap: 40, permittedCaps: held } })).ops;
  assert.equal(warnings, ['/process/capabilities: CAP_SYS_RESOURCE is not held by the runtime, so it cannot be granted: ignored']);
  assert.equal(ops.find((o) => o.code === OpCode.Capset)!.n, [32, 0, 32, 0, 32 | 1024, 0]);
  const raised = ops.filter((o) => o.code === OpCode.Prctl && o.n?.[0] === 47 && o.n?.[1] === 2).map((o) => o.n![2]);
  assert.equal(raised, [5], 'CAP_NET_BIND_SERVICE is not permitted, so it is not raised');
  // In a user namespace of its own the process holds everything there.
  const userns = minimalSpec({ linux: { namespaces: [{ type: 'mount' }, { type: 'user' }], uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }], gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] } });
  userns.process!.capabilities = { bounding: ['CAP_SYS_RESOURCE'], effective: ['CAP_SYS_RESOURCE'], permitted: ['CAP_SYS_RESOURCE'] };
  const uops = buildLaunchPlan(input(userns, { facts: { isDirectory: () => true, lastCap: 40, permittedCaps: held } })).ops;
  assert.equal(uops.find((o) => o.code === OpCode.Capset)!.n, [1 << 24, 0, 1 << 24, 0, 0, 0]);
});

test('rootfsPropagation shared and unbindable: pivot_root gets private mounts, the wish is applied after it', () => {
  const facts = { isDirectory: () => true, lastCap: 40, mountPointOf: () => '/srv/images' };
  const mountsOf = (prop: string) => {
    const spec = minimalSpec({ linux: { namespaces: [{ type: 'mount' }], rootfsPropagation: prop } });
    const ops = buildLaunchPlan(input(spec, { facts, rootfs: '/srv/images/c1/rootfs' })).ops;
    const pivot = ops.findIndex((o) => o.code === OpCode.PivotRoot);
    const props = (list: typeof ops) => list.filter((o) => o.code === OpCode.Mount && !o.s?.[0]).map((o) => [o.n![0], o.s![1]]);
    return { before: props(ops.slice(0, pivot)), after: props(ops.slice(pivot)) };
  };
  const shared = mountsOf('shared');
  assert.equal(shared.before.slice(0, 2), [[MS.SHARED | MS.REC, '/'], [MS.PRIVATE, '/']]);
  assert.ok(shared.before.some(([f, p]) => f === MS.PRIVATE && p === '/srv/images/c1/rootfs'), 'the new root is private at pivot_root');
  assert.ok(shared.before.some(([f, p]) => f === MS.PRIVATE && p === '/srv/images'), 'so is the mount holding it');
  assert.equal(shared.after, [[MS.SHARED | MS.REC, '/']]);
  const unbindable = mountsOf('unbindable');
  assert.equal(unbindable.before[0], [MS.SLAVE | MS.REC, '/'], 'an unbindable tree could not give the rootfs bind');
  assert.equal(unbindable.after, [[MS.UNBINDABLE | MS.REC, '/']]);
});

test('intelRdt is refused, not ignored', () => {
  const rdt = minimalSpec({ linux: { ...minimalSpec().linux, intelRdt: { closID: 'x' } } });
  assert.throws(() => buildLaunchPlan(input(rdt)), (e: unknown) => e instanceof ConfigError && e.jsonPath === '/linux/intelRdt');
});

test('capWords splits capabilities into the two capset words', () => {
  assert.equal(capWords([0, 31, 32, 40]), [0x80000001, 0x101]);
});

test('the executable is looked up through PATH from the container env, relative to cwd', () => {
  assert.equal(execCandidates({ user: { uid: 0, gid: 0 }, cwd: '/w', args: ['sh'], env: ['PATH=/bin:rel'] }), ['/bin/sh', '/w/rel/sh']);
  assert.equal(execCandidates({ user: { uid: 0, gid: 0 }, cwd: '/w', args: ['./run'] }), ['/w/run']);
  assert.equal(execCandidates({ user: { uid: 0, gid: 0 }, cwd: '/', args: ['ls'] }).length, 6);
});

test('rlimits map names to resources and 2^64-1 to infinity', () => {
  const spec = minimalSpec();
  spec.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 18446744073709551615 }];
  const op = buildLaunchPlan(input(spec)).ops.find((o) => o.code === OpCode.Setrlimit)!;
  assert.equal(op.n, [7, 1024, -1]);
});

test('seccomp loads before the uid switch without no_new_privs, and last with it', () => {
  const seccomp = { bpf: new Uint8Array(8), flags: 0 };
  const spec = minimalSpec();
  const early = buildLaunchPlan(input(spec, { seccomp })).ops.map((o) => o.code);
  assert.ok(early.indexOf(OpCode.Seccomp) < early.indexOf(OpCode.Setresuid));
  spec.process!.noNewPrivileges = true;
  const late = buildLaunchPlan(input(spec, { seccomp })).ops.map((o) => o.code);
  assert.ok(late.indexOf(OpCode.Seccomp) > late.indexOf(OpCode.WaitStart));
  assert.ok(late.indexOf(OpCode.Prctl + 0) >= 0);
});

test('the plan ends: Ready, wait for start, startContainer hooks, exec', () => {
  const spec = minimalSpec({ hooks: { startContainer: [{ path: '/bin/hook', args: ['hook', 'a'], env: ['X=1'], timeout: 3 }] } });
  const ops = buildLaunchPlan(input(spec, { preservedFds: 2, extraEnv: ['LISTEN_FDS=2'] })).ops;
  const tail = ops.slice(-5).map((o) => o.code);
  assert.equal(tail, [OpCode.SendSync, OpCode.WaitStart, OpCode.RunHook, OpCode.PrepareStdio, OpCode.Exec]);
  assert.equal(ops.at(-3)!.s, ['/bin/hook', 'hook', 'a', 'X=1']);
  assert.equal(ops.at(-3)!.n, [2, 1, 3]);
  assert.equal(ops.at(-2)!.n, [5]);
  assert.ok(ops.at(-1)!.s!.includes('LISTEN_FDS=2'));
  assert.ok(ops.some((o) => o.code === OpCode.CloexecFrom && o.n?.[0] === 5));
});

test('startContainer hooks alone: their state comes with Go, no CreateHooks stop', () => {
  const syncs = (spec: ReturnType<typeof minimalSpec>, createHooks = false) =>
    buildLaunchPlan(input(spec, { createHooks })).ops
      .filter((o) => o.code === OpCode.SendSync || o.code === OpCode.WaitSync)
      .map((o) => o.n![0]);
  const start = { startContainer: [{ path: '/bin/hook' }] };
  const alone = buildLaunchPlan(input(minimalSpec({ hooks: start })));
  assert.ok(alone.hookStateWithGo && alone.waitsForGo && !alone.hasHookSync);
  assert.equal(syncs(minimalSpec({ hooks: start })), [SyncMsg.Go, SyncMsg.Ready]);
  // with create hooks, or poststop hooks (a failure after the stop runs them), the stop stays
  assert.equal(syncs(minimalSpec({ hooks: { ...start, prestart: [{ path: '/bin/p' }] } }), true), [SyncMsg.Go, SyncMsg.CreateHooks, SyncMsg.HooksDone, SyncMsg.Ready]);
  assert.equal(syncs(minimalSpec({ hooks: { ...start, poststop: [{ path: '/bin/p' }] } })), [SyncMsg.Go, SyncMsg.CreateHooks, SyncMsg.HooksDone, SyncMsg.Ready]);
  assert.not.ok(buildLaunchPlan(input(minimalSpec())).hookStateWithGo);
  // born in its cgroup (v2): Go is awaited only for the hooks' state
  assert.ok(buildLaunchPlan(input(minimalSpec({ hooks: start }), { cgroupFd: 5 })).waitsForGo);
  assert.not.ok(buildLaunchPlan(input(minimalSpec(), { cgroupFd: 5 })).waitsForGo);
});

test('without a process the container parks on the fifo and execs nothing', () => {
  const spec = minimalSpec();
  delete spec.process;
  const ops = codes(spec);
  assert.equal(ops.slice(-2), [OpCode.SendSync, OpCode.WaitStart]);
  assert.not.ok(ops.includes(OpCode.Exec));
});

test('time namespace offsets are written before the fork', () => {
  const spec = minimalSpec({
    linux: { namespaces: [{ type: 'mount' }, { type: 'time' }], timeOffsets: { monotonic: { secs: 10, nanosecs: 5 } } },
    hostname: undefined,
  });
  const plan = buildLaunchPlan(input(spec));
  const ops = plan.ops.map((o) => o.code);
  const w = plan.ops.find((o) => o.code === OpCode.WriteProc)!;
  assert.equal(w.s, ['self/timens_offsets', 'monotonic 10 5']);
  assert.ok(ops.indexOf(OpCode.Unshare) < ops.indexOf(OpCode.WriteProc));
  assert.ok(ops.indexOf(OpCode.WriteProc) < ops.indexOf(OpCode.ForkReport));
});

test('node masks are packed 32 bits a word', () => {
  assert.equal(nodeMaskWords('0-1,33'), [3, 2]);
  assert.throws(() => nodeMaskWords('x'));
});

// ---- runc drop-in behaviours (cwd, HOME, read-only /dev, privileged binds, --no-pivot) ----

const indexOf = (ops: { code: OpCode; n?: number[] }[], pred: (o: { code: OpCode; n?: number[]; s?: string[] }) => boolean) => ops.findIndex(pred);

test('cwd: tried before the user switch (EACCES leaves it pending), again after it; a missing one is made 0755', () => {
  const spec = minimalSpec();
  spec.process!.user = { uid: 1000, gid: 1000 };
  spec.process!.cwd = '/root/work';
  const ops = buildLaunchPlan(input(spec)).ops;
  const early = indexOf(ops, (o) => o.code === OpCode.Chdir && o.n?.[0] === 1);
  const late = indexOf(ops, (o) => o.code === OpCode.Chdir && o.n?.[0] === 2);
  const setuid = indexOf(ops, (o) => o.code === OpCode.Setresuid && o.n?.[0] === 1000);
  const mkdirs = indexOf(ops, (o) => o.code === OpCode.Mkdirs && o.s?.[0] === '/root/work');
  const pivot = ops.findIndex((o) => o.code === OpCode.PivotRoot);
  assert.ok(early >= 0 && early < setuid && setuid < late, 'chdir, user switch, chdir');
  assert.equal(ops[mkdirs]!.n, [0o755]);
  assert.ok(pivot < mkdirs && mkdirs < early, 'made in the rootfs after the mounts and the root switch');
  assert.is(ops.filter((o) => o.code === OpCode.Chdir).length, 2);
});

test('HOME: read from the container\'s /etc/passwd, as root, when process.env has none', () => {
  const spec = minimalSpec();
  spec.process!.user = { uid: 65534, gid: 65534 };
  spec.process!.env = ['PATH=/bin', 'HOME='];
  const ops = buildLaunchPlan(input(spec)).ops;
  const home = indexOf(ops, (o) => o.code === OpCode.PasswdHome);
  const pivot = ops.findIndex((o) => o.code === OpCode.PivotRoot);
  const setuid = indexOf(ops, (o) => o.code === OpCode.Setresuid && o.n?.[0] === 65534);
  assert.ok(pivot < home && home < setuid, 'after the root switch (and the mounts), before the user switch');
  assert.equal(ops[home]!.n, [65534]);
  assert.equal(ops[home]!.s, ['/etc/passwd']);
  const exec = ops.find((o) => o.code === OpCode.Exec)!;
  assert.equal(exec.n, [3, 1, 1], 'Exec appends the HOME found; the empty HOME= is dropped');
  assert.equal(exec.s!.slice(3), ['PATH=/bin']);

  spec.process!.env = ['PATH=/bin', 'HOME=/mine'];
  const own = buildLaunchPlan(input(spec)).ops;
  assert.not.ok(own.some((o) => o.code === OpCode.PasswdHome));
  assert.equal(own.find((o) => o.code === OpCode.Exec)!.n, [3, 2, 0]);
});

test('a read-only /dev tmpfs is mounted writable and remounted read-only after the terminal and masks', () => {
  const spec = minimalSpec({
    mounts: [
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755', 'ro'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid'] },
    ],
  });
  spec.process!.terminal = true;
  spec.linux = { ...spec.linux, maskedPaths: ['/proc/kcore'] };
  const ops = buildLaunchPlan(input(spec)).ops;
  const first = ops.find((o) => o.code === OpCode.Mount && o.s?.[1] === '/dev')!;
  assert.equal(first.n, [MS.NOSUID, 1, 1, 0]);
  const remount = indexOf(ops, (o) => o.code === OpCode.Mount && (o.n![0]! & MS.REMOUNT) !== 0 && o.s?.[1] === '/dev');
  assert.equal(ops[remount]!.n, [MS.NOSUID | MS.RDONLY | MS.REMOUNT, 0, 0, 0]);
  assert.ok(indexOf(ops, (o) => o.code === OpCode.Console) < remount);
  assert.ok(indexOf(ops, (o) => o.code === OpCode.MaskPath) < remount);
  assert.ok(remount < indexOf(ops, (o) => o.code === OpCode.Exec));

  const rw = minimalSpec({ mounts: [{ destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid'] }] });
  assert.not.ok(buildLaunchPlan(input(rw)).ops.some((o) => o.code === OpCode.Mount && (o.n![0]! & MS.REMOUNT) !== 0 && o.s?.[1] === '/dev'));
});

test('binds in a user namespace may be handed to the privileged helper; without one they may not', () => {
  const mounts = [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind', 'ro'] },
  ];
  const map = [{ containerID: 0, hostID: 100000, size: 65536 }];
  const userns = minimalSpec({ mounts, linux: { namespaces: [{ type: 'mount' }, { type: 'user' }], uidMappings: map, gidMappings: map } });
  const bind = buildLaunchPlan(input(userns)).ops.find((o) => o.code === OpCode.Mount && o.s?.[1] === '/data')!;
  assert.equal(bind.n, [MS.BIND | MS.REC, 1, 1, 0, 2], 'n4 = mount index + 1');
  const plain = buildLaunchPlan(input(minimalSpec({ mounts }))).ops.find((o) => o.code === OpCode.Mount && o.s?.[1] === '/data')!;
  assert.equal(plain.n, [MS.BIND | MS.REC, 1, 1, 0]);
});

test('--no-pivot hides the host\'s full proc and sysfs mounts outside the rootfs before the move', () => {
  const hostMounts = [
    { mountPoint: '/', root: '/', fsType: 'ext4' },
    { mountPoint: '/proc', root: '/', fsType: 'proc' },
    { mountPoint: '/sys', root: '/', fsType: 'sysfs' },
    { mountPoint: '/proc/sys/fs/binfmt_misc', root: '/', fsType: 'binfmt_misc' },
    { mountPoint: '/srv/partial', root: '/sub', fsType: 'sysfs' },
    { mountPoint: '/b/rootfs/proc', root: '/', fsType: 'proc' },
  ];
  const facts = { ...input(minimalSpec()).facts, mounts: () => hostMounts };
  const ops = buildLaunchPlan(input(minimalSpec(), { noPivot: true, facts })).ops;
  const hidden = ops.filter((o) => o.code === OpCode.HideMount).map((o) => o.s![0]);
  assert.equal(hidden, ['/proc', '/sys']);
  const move = ops.findIndex((o) => o.code === OpCode.MoveRoot);
  assert.ok(ops.findIndex((o) => o.code === OpCode.HideMount) < move);
  const pivoting = buildLaunchPlan(input(minimalSpec(), { facts })).ops;
  assert.not.ok(pivoting.some((o) => o.code === OpCode.HideMount), 'pivot_root leaves the host\'s mounts behind anyway');
});


test('in a user namespace oomScoreAdj is the parent\'s to write; the child becomes the namespace\'s root after its time offsets', () => {
  const maps = { uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }] };
  const spec = minimalSpec({
    linux: { namespaces: [{ type: 'user' }, { type: 'mount' }, { type: 'pid' }, { type: 'uts' }, { type: 'time' }], ...maps, timeOffsets: { monotonic: { secs: 5, nanosecs: 0 } } },
  });
  spec.process!.oomScoreAdj = 500;
  const plan = buildLaunchPlan(input(spec));
  assert.is(plan.oomScoreAdjByParent, 500);
  assert.ok(plan.waitsForGo, 'the child waits while the parent writes it');
  assert.not.ok(plan.ops.some((o) => o.code === OpCode.WriteProc && o.s?.[0] === 'self/oom_score_adj'));
  const timens = plan.ops.findIndex((o) => o.code === OpCode.WriteProc && o.s?.[0] === 'self/timens_offsets');
  const becomeRoot = plan.ops.findIndex((o) => o.code === OpCode.Setresuid && o.n?.[0] === 0);
  assert.ok(timens >= 0 && timens < becomeRoot, 'timens_offsets opened while still the host\'s root by id');
  assert.ok(becomeRoot < plan.ops.findIndex((o) => o.code === OpCode.ForkReport), 'the init is forked as the namespace\'s root');

  const joined = minimalSpec({ hostname: undefined, linux: { namespaces: [{ type: 'user', path: '/proc/1/ns/user' }, { type: 'mount' }, { type: 'pid' }] } });
  joined.process!.oomScoreAdj = 300;
  const joinedPlan = buildLaunchPlan(input(joined, { namespaceFds: new Map([[0, 42]]), cgroupFd: 7 }));
  assert.is(joinedPlan.oomScoreAdjByParent, 300);
  assert.ok(joinedPlan.waitsForGo, 'a joined user namespace waits for the parent\'s write too');

  const plain = minimalSpec();
  plain.process!.oomScoreAdj = 500;
  const plainPlan = buildLaunchPlan(input(plain));
  assert.is(plainPlan.oomScoreAdjByParent, undefined);
  assert.ok(plainPlan.ops.some((o) => o.code === OpCode.WriteProc && o.s?.[0] === 'self/oom_score_adj'), 'without a user namespace the child writes it');
});

test.run();
