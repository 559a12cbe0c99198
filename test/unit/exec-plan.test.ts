// The exec process (runc's flag rules) and its plan: joins, fork, cgroup placement, the
// process steps an init also gets, a terminal without /dev/console. No root needed.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { subCgroupRecord } from '../../src/cgroups/sub-cgroup.js';
import { buildExecPlan, execProcess, mergeEnv, type ExecPlanInput, type ExecProcessFlags } from '../../src/plan/exec.js';
import { CLONE } from '../../src/plan/linux-constants.js';
import { ConsolePart } from '../../src/plan/fd-ops.js';
import { OpCode, type Op } from '../../src/plan/ops.js';
import type { Process, Spec } from '../../src/spec/types.js';
import { SyncMsg } from '../../src/sys/sync.js';
import { validateProcessSchema } from '../../src/spec/validate.js';

const base: Process = {
  user: { uid: 0, gid: 0, additionalGids: [1] },
  args: ['sleep', '1000'],
  env: ['PATH=/usr/bin:/bin', 'TERM=xterm'],
  cwd: '/',
  terminal: true,
  capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
  noNewPrivileges: true,
};

const flags = (f: Partial<ExecProcessFlags>): ExecProcessFlags => ({ args: ['sh'], env: [], additionalGids: [], caps: [], ...f });

test('execProcess: args replaced, terminal only with --tty, config kept otherwise', () => {
  const p = execProcess(base, flags({ args: ['ps', 'aux'] }));
  assert.equal(p.args, ['ps', 'aux']);
  assert.is(p.terminal, false);
  assert.is(p.cwd, '/');
  assert.is(p.noNewPrivileges, true);
  assert.equal(p.env, base.env);
  assert.is(base.args![0], 'sleep', 'the config is not changed');
  assert.is(execProcess(base, flags({ tty: true })).terminal, true);
});

test('execProcess: --cwd, --env overrides by name, --user, --additional-gids, --no-new-privs=false', () => {
  const p = execProcess(base, flags({ cwd: '/tmp', env: ['TERM=dumb', 'A=1'], user: '1000:100', additionalGids: ['5', '6'], noNewPrivs: false }));
  assert.is(p.cwd, '/tmp');
  assert.equal(p.env, ['PATH=/usr/bin:/bin', 'TERM=dumb', 'A=1']);
  assert.equal(p.user, { uid: 1000, gid: 100, additionalGids: [1, 5, 6] });
  assert.is(p.noNewPrivileges, false);
  assert.is(execProcess(base, flags({ user: '7' })).user.gid, 0, 'gid defaults to 0 (runc)');
  assert.throws(() => execProcess(base, flags({ user: 'bob' })), /invalid uid "bob"/);
  assert.throws(() => execProcess(base, flags({ additionalGids: ['x'] })), /invalid additional gid "x"/);
  assert.throws(() => execProcess(base, flags({ args: [] })), /needs a command/);
});

test('execProcess: --cap adds to bounding, effective, permitted; ambient only with an inheritable set', () => {
  const p = execProcess(base, flags({ caps: ['CAP_SYS_ADMIN', 'net_raw'] }));
  assert.equal(p.capabilities!.bounding, ['CAP_KILL', 'CAP_SYS_ADMIN', 'CAP_NET_RAW']);
  assert.equal(p.capabilities!.effective, ['CAP_KILL', 'CAP_SYS_ADMIN', 'CAP_NET_RAW']);
  assert.equal(p.capabilities!.permitted, ['CAP_KILL', 'CAP_SYS_ADMIN', 'CAP_NET_RAW']);
  assert.is(p.capabilities!.ambient, undefined);
  assert.is(p.capabilities!.inheritable, undefined);
  const withInh = execProcess({ ...base, capabilities: { inheritable: [] } }, flags({ caps: ['CAP_CHOWN'] }));
  assert.equal(withInh.capabilities!.ambient, ['CAP_CHOWN']);
});

test('mergeEnv: later wins, first position kept', () => {
  assert.equal(mergeEnv(['A=1', 'B=2'], ['B=3', 'C=4', 'A=5']), ['A=5', 'B=3', 'C=4']);
});

const spec: Spec = { ociVersion: '1.3.0', root: { path: 'rootfs' }, process: base };

function input(extra: Partial<ExecPlanInput> = {}): ExecPlanInput {
  return {
    id: 'c1',
    spec,
    process: execProcess(base, flags({})),
    rootfs: '/b/rootfs',
    facts: { lastCap: 40 },
    namespaces: { pidfd: 7, types: ['pid', 'mount', 'uts', 'ipc', 'network'] },
    sharesMountNs: false,
    cgroupFd: -1,
    preservedFds: 0,
    extraEnv: [],
    noNewKeyring: false,
    warn: () => {},
    ...extra,
  };
}

const codes = (ops: Op[]) => ops.map((o) => o.code);

test('exec plan: one setns on the pidfd with every flag, fork for the pid namespace, no mounts, no Ready', () => {
  const plan = buildExecPlan(input());
  const setns = plan.ops.filter((o) => o.code === OpCode.Setns);
  assert.equal(setns.map((o) => o.n), [[7, CLONE.NEWPID | CLONE.NEWNS | CLONE.NEWUTS | CLONE.NEWIPC | CLONE.NEWNET]]);
  assert.is(plan.cloneFlags, 0, 'nothing new is created');
  assert.ok(plan.forks);
  assert.ok(plan.waitsForGo, 'without CLONE_INTO_CGROUP the parent places the pid first');
  const c = codes(plan.ops);
  assert.ok(c.indexOf(OpCode.WaitSync) < c.indexOf(OpCode.Setns) && c.indexOf(OpCode.Setns) < c.indexOf(OpCode.ForkReport));
  for (const absent of [OpCode.Mount, OpCode.PivotRoot, OpCode.Chroot, OpCode.WaitStart, OpCode.SendSync, OpCode.Sethostname, OpCode.Console]) {
    assert.not.ok(c.includes(absent), `op ${absent}`);
  }
  assert.ok(c.indexOf(OpCode.ResolveExec) < c.indexOf(OpCode.Exec));
  assert.is(c[c.length - 1], OpCode.Exec);
  assert.equal(plan.ops.find((o) => o.code === OpCode.Chdir)!.s, ['/']);
  assert.ok(plan.ops.some((o) => o.code === OpCode.Setgroups && o.n?.[0] === 1));
});

test('exec plan: into a pid namespace the fork is guarded: tracer before any setns, real closes before a traced fork', () => {
  const proc = execProcess({ ...base, rlimits: [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 10 }] }, flags({}));
  const plan = buildExecPlan(input({ preservedFds: 2, process: proc }));
  const c = codes(plan.ops);
  assert.ok(c.indexOf(OpCode.SpawnTracer) < c.indexOf(OpCode.Setns), 'the tracer stays in the host\'s namespaces');
  assert.ok(c.indexOf(OpCode.CloseExcept) < c.indexOf(OpCode.Setns), 'closed before the first stage does anything in the container');
  assert.ok(c.indexOf(OpCode.CloseExcept) < c.indexOf(OpCode.Setrlimit), 'before a low RLIMIT_NOFILE');
  assert.is(c.filter((code) => code === OpCode.CloseExcept).length, 1);
  assert.equal(plan.ops.find((o) => o.code === OpCode.ForkReport)!.n, [1], 'CLONE_PTRACE');
  assert.equal(plan.ops.find((o) => o.code === OpCode.CloseExcept)!.n, [0, 1, 2, 3, 4, 7], 'stdio, the preserved fds and the pidfd setns still needs');
});

test('exec plan: without a pid namespace (the host\'s) nothing is guarded; a chroot comes before the fork', () => {
  const plan = buildExecPlan(input({ namespaces: { pidfd: 7, types: ['mount', 'time'] } }));
  const c = codes(plan.ops);
  assert.ok(plan.forks, 'the time namespace forks');
  assert.not.ok(c.includes(OpCode.SpawnTracer) || c.includes(OpCode.CloseExcept));
  assert.is(plan.ops.find((o) => o.code === OpCode.ForkReport)!.n, undefined);
  const chroot = codes(buildExecPlan(input({ sharesMountNs: true, namespaces: { pidfd: 7, types: ['pid'] } })).ops);
  assert.ok(chroot.indexOf(OpCode.Chroot) < chroot.indexOf(OpCode.ForkReport), 'the forked process never has the host\'s root');
});

test('exec plan: /proc/PID/ns files are joined one by one in setns order (user first, mount last)', () => {
  const plan = buildExecPlan(input({ namespaces: { files: [{ type: 'mount', fd: 10 }, { type: 'user', fd: 11 }, { type: 'uts', fd: 12 }] } }));
  assert.equal(plan.ops.filter((o) => o.code === OpCode.Setns).map((o) => o.n), [[11, CLONE.NEWUSER], [12, CLONE.NEWUTS], [10, CLONE.NEWNS]]);
  assert.not.ok(plan.forks, 'no pid or time namespace: no fork');
});

test('exec plan: CLONE_INTO_CGROUP needs no Go; a chroot container gets its chroot', () => {
  const plan = buildExecPlan(input({ cgroupFd: 5, sharesMountNs: true, namespaces: { pidfd: 7, types: ['pid'] } }));
  assert.not.ok(plan.waitsForGo);
  assert.is(plan.cgroupFd, 5);
  assert.not.ok(codes(plan.ops).includes(OpCode.WaitSync));
  assert.equal(plan.ops.find((o) => o.code === OpCode.Chroot)!.s, ['/b/rootfs']);
});

test('exec plan: a terminal is a new pty from the container devpts, with no /dev/console bind, split around the fork', () => {
  const proc = execProcess(base, flags({ tty: true, user: '1000' }));
  const plan = buildExecPlan(input({ process: proc, spec: { ...spec, process: proc } }));
  const [made, ctty] = plan.ops.filter((o) => o.code === OpCode.Console);
  assert.equal(made!.s, ['/dev/pts/ptmx', '']);
  assert.equal(made!.n, [0, 0, 1000, ConsolePart.AllButControllingTerminal]);
  assert.equal(ctty!.n![3], ConsolePart.ControllingTerminal);
  const c = codes(plan.ops);
  const fork = c.indexOf(OpCode.ForkReport);
  assert.ok(plan.ops.indexOf(made!) < c.indexOf(OpCode.Setresuid), 'made while still root');
  assert.ok(fork < c.indexOf(OpCode.Setsid) && c.indexOf(OpCode.Setsid) < plan.ops.indexOf(ctty!), 'the controlling terminal of the new session');
});

test('exec plan: every privileged step before the fork; after it only setsid, the terminal, seccomp and execve', () => {
  const proc = execProcess({
    ...base,
    oomScoreAdj: 5,
    rlimits: [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 10 }],
    scheduler: { policy: 'SCHED_OTHER', nice: 1 },
    ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 4 },
    user: { uid: 1000, gid: 1000, umask: 0o077 },
  }, flags({ tty: true }));
  const plan = buildExecPlan(input({ process: proc, spec: { ...spec, process: proc, linux: { personality: { domain: 'LINUX' } } }, seccomp: { bpf: new Uint8Array(8), flags: 0 } }));
  const c = codes(plan.ops);
  const fork = c.indexOf(OpCode.ForkReport);
  assert.equal(c.slice(fork + 1), [OpCode.Setsid, OpCode.Console, OpCode.Seccomp, OpCode.PrepareStdio, OpCode.Exec]);
  for (const before of [
    OpCode.WriteProc, OpCode.Setrlimit, OpCode.SchedSetattr, OpCode.IoprioSet, OpCode.Personality, OpCode.JoinKeyring, OpCode.PasswdHome,
    OpCode.Setgroups, OpCode.Setresgid, OpCode.Setresuid, OpCode.Capset, OpCode.Umask, OpCode.Chdir, OpCode.ResolveExec, OpCode.Prctl,
  ]) {
    assert.ok(c.includes(before) && c.lastIndexOf(before) < fork, `op ${before} before the fork`);
  }
  assert.ok(c.indexOf(OpCode.WriteProc) < c.indexOf(OpCode.Setns), 'oom_score_adj through the host\'s procfs, before the user namespace is joined');
  const deadline = { ...proc, scheduler: { policy: 'SCHED_DEADLINE' as const, runtime: 10000, deadline: 20000, period: 30000 } };
  const dl = codes(buildExecPlan(input({ process: deadline })).ops);
  assert.is(dl.indexOf(OpCode.SchedSetattr), dl.indexOf(OpCode.Setsid) + 1, 'a SCHED_DEADLINE task cannot fork: set after it');
  const noFork = codes(buildExecPlan(input({ process: proc, namespaces: { pidfd: 7, types: ['mount'] } })).ops);
  assert.not.ok(noFork.includes(OpCode.ForkReport));
  assert.ok(noFork.indexOf(OpCode.Setresuid) < noFork.indexOf(OpCode.Setsid), 'the same order without a fork');
});

test('exec plan: seccomp with no_new_privs comes after the fork, right before exec; without, before the capability drop', () => {
  const seccomp = { bpf: new Uint8Array(8), flags: 0 };
  const nnp = codes(buildExecPlan(input({ seccomp })).ops);
  assert.ok(nnp.indexOf(OpCode.Seccomp) > nnp.indexOf(OpCode.ForkReport) && nnp.indexOf(OpCode.Seccomp) < nnp.indexOf(OpCode.Exec));
  const proc = execProcess(base, flags({ noNewPrivs: false }));
  const plain = codes(buildExecPlan(input({ seccomp, process: proc })).ops);
  assert.ok(plain.indexOf(OpCode.Seccomp) < plain.indexOf(OpCode.Capset));
  assert.not.ok(plain.includes(OpCode.SendSync));
  assert.is(SyncMsg.Go, 1);
});

test('exec plan: preserved fds and LISTEN_FDS reach the process', () => {
  const plan = buildExecPlan(input({ preservedFds: 2, extraEnv: ['LISTEN_FDS=1'] }));
  assert.equal(plan.ops.find((o) => o.code === OpCode.CloexecFrom)!.n, [5]);
  assert.equal(plan.ops.find((o) => o.code === OpCode.PrepareStdio)!.n, [5]);
  assert.ok(plan.ops.find((o) => o.code === OpCode.Exec)!.s!.includes('LISTEN_FDS=1'));
});

test('--process: schema errors name the JSON path in the file', () => {
  assert.not.throws(() => validateProcessSchema({ user: { uid: 0, gid: 0 }, cwd: '/', args: ['sh'] }, 'p.json'));
  assert.throws(() => validateProcessSchema({ user: { uid: 'root', gid: 0 }, cwd: '/' }, 'p.json'), /^p\.json \/user\/uid: "root" is a string, but must be an integer/);
  assert.throws(() => validateProcessSchema({ user: { uid: 0, gid: 0 } }, 'p.json'), /p\.json \/cwd: is required/);
});

test('--cgroup: a sub-cgroup of every hierarchy, or of the named controllers; no way out', () => {
  const rec = { version: 1 as const, paths: { cpu: '/sys/fs/cgroup/cpu/c1', memory: '/sys/fs/cgroup/memory/c1', '': '/sys/fs/cgroup/unified/c1' } };
  assert.equal(subCgroupRecord(rec, ['sub']).paths, { cpu: '/sys/fs/cgroup/cpu/c1/sub', memory: '/sys/fs/cgroup/memory/c1/sub', '': '/sys/fs/cgroup/unified/c1/sub' });
  assert.equal(subCgroupRecord(rec, ['cpu,unified:a/b']).paths, { cpu: '/sys/fs/cgroup/cpu/c1/a/b', memory: '/sys/fs/cgroup/memory/c1', '': '/sys/fs/cgroup/unified/c1/a/b' });
  assert.throws(() => subCgroupRecord(rec, ['../x']), /inside the container's cgroup/);
  assert.throws(() => subCgroupRecord(rec, ['pids:x']), /no cgroup for controller "pids"/);
  const v2 = { version: 2 as const, paths: { '': '/sys/fs/cgroup/c1' } };
  assert.equal(subCgroupRecord(v2, ['x']).paths, { '': '/sys/fs/cgroup/c1/x' });
});

test.run();
