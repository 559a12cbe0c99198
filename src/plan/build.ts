// spec -> launch plan. Pure: every fact about the host (file types, open fds, the cgroup
// layout, the compiled seccomp program) comes in through PlanInput, so this is unit-tested
// without root. The order of the steps is the order the child executes them; the comments
// say why each step sits where it does.

import type { Hook, Process, Spec } from '../spec/types.js';
import { ConfigError } from '../errors.js';
import { SyncMsg } from '../sys/sync.js';
import { CONTAINER_CONSOLE, ConsolePart, hasListener, planSeccomp, planTerminal } from './fd-ops.js';
import { PR } from './linux-constants.js';
import { type CgroupView, type HostFacts, planMounts, waitsForProc } from './mounts.js';
import {
  type FilesystemInput, filesystemBeforeFork, planFilesystem, planHookSync, planLateFilesystem, planMaskedAndReadonly,
} from './filesystem.js';
import { decideNamespaces, NAMESPACE_FLAG } from './namespaces.js';
import { finishGuardedFork, planCloseExcept, planFork, planTracer } from './guarded-fork.js';
import { type LaunchPlan, OpCode } from './ops.js';
import { execCandidates, planHome, planPrivilegedAttributes, planScheduler, planUserAndCwd } from './process.js';
import { PlanWriter } from './writer.js';
import { effectiveMountLabel, planProcessLabels } from './lsm.js';

/** A process with something to execute; anything less parks the container and `start` refuses it. */
export function isStartable(spec: Spec): boolean {
  return !!spec.process && (spec.process.args?.length ?? 0) > 0;
}

export interface CompiledSeccomp {
  bpf: Uint8Array;
  flags: number;
}

export interface PlanInput {
  id: string;
  spec: Spec;
  bundle: string;
  rootfs: string;
  facts: HostFacts;
  /** fds (open in this process) of the namespace files named by linux.namespaces[].path, by index */
  namespaceFds: ReadonlyMap<number, number>;
  /** fds of this process the child closes first thing (the container lock create holds) */
  closeInChild?: readonly number[];
  /** cgroup v2 dir fd for CLONE_INTO_CGROUP, or -1 (then the parent places the pid before Go) */
  cgroupFd: number;
  cgroupViews: readonly CgroupView[];
  /** the exec fifo, open O_RDWR in this process: the child blocks reading it until `start` */
  execFifoFd: number;
  noPivot: boolean;
  noNewKeyring: boolean;
  /** fds 3 .. 3+preservedFds-1 stay open for the process (--preserve-fds, LISTEN_FDS) */
  preservedFds: number;
  /** extra environment for the process (LISTEN_FDS, LISTEN_PID) */
  extraEnv: readonly string[];
  seccomp?: CompiledSeccomp;
  /** the parent runs prestart/createRuntime/createContainer hooks at a sync point */
  createHooks: boolean;
  /** the runtime's own umask: the process keeps it when process.user.umask is unset (config.md) */
  callerUmask?: number;
  warn: (msg: string) => void;
}

export interface BuiltPlan extends LaunchPlan {
  /** the parent must send SyncMsg.Go after placing the pid in its cgroup and writing id maps */
  waitsForGo: boolean;
  /** the child forks; the container init is the pid reported by SyncMsg.Pid */
  forks: boolean;
  /** the child stops for SyncMsg.CreateHooks */
  hasHookSync: boolean;
  /**
   * startContainer hooks without create hooks: their stdin (the state, all known once the
   * child exists) comes as the payload of Go, so the child never stops for CreateHooks.
   */
  hookStateWithGo: boolean;
  /** no mount namespace: the rootfs bind and the config's mounts land in the host's table */
  sharesMountNs: boolean;
  /**
   * process.oomScoreAdj, for the parent to write into the child's /proc/PID/oom_score_adj
   * before Go: in a user namespace (created or joined) the child's own /proc/self files belong
   * to the host's root, which the child no longer is once it is the namespace's root, so its
   * write is refused (EACCES); runc writes it from the host side too. The init, forked or
   * not, inherits the value.
   */
  oomScoreAdjByParent?: number;
}

export function buildLaunchPlan(input: PlanInput): BuiltPlan {
  const { spec, facts } = input;
  // process is optional at create (runtime.md); such a container parks on the fifo and
  // `start` refuses it, so the process steps are simply left out.
  const proc = isStartable(spec) ? spec.process : undefined;
  refuseUnsupported(spec);
  const ns = decideNamespaces(spec, input.cgroupFd >= 0);
  const userNs = ns.created.has('user');
  const inUserNs = userNs || ns.joins.some((j) => j.type === 'user');
  const w = new PlanWriter();
  // Forking into a pid namespace others live in: they see the init until execve (guarded-fork.ts).
  const guarded = ns.fork && ns.joins.some((j) => j.type === 'pid');

  // Node's signal handlers must never run in the child, and no host fd may reach the
  // container: the sync socket and dir fds are closed by execve from here on.
  w.add('process setup', OpCode.ResetSignals);
  if (guarded) planTracer(w);
  w.add('process setup', OpCode.CloexecFrom, [3 + input.preservedFds]);
  // The container's lock, which create holds: a parked init must not keep it held.
  for (const fd of input.closeInChild ?? []) w.add('process setup', OpCode.Close, [fd]);
  // Device nodes and created mount points get exactly the modes asked for.
  w.add('process setup', OpCode.Umask, [0]);

  const oomScoreAdjByParent = inUserNs ? proc?.oomScoreAdj : undefined;
  const startHooks = spec.hooks?.startContainer ?? [];
  // Only the startContainer hooks' stdin would need the CreateHooks stop: send it with Go
  // instead, one round trip fewer. Not after a fork, whose init's pid comes later (Pid), and
  // not with poststop hooks: a create failing after that stop runs them (container/create.ts).
  const hookStateWithGo = !input.createHooks && startHooks.length > 0 && !ns.fork && !spec.hooks?.poststop?.length;
  const waitsForGo = input.cgroupFd < 0 || userNs || oomScoreAdjByParent !== undefined || hookStateWithGo;
  if (waitsForGo) w.add('cgroup placement', OpCode.WaitSync, [SyncMsg.Go]);
  // How a create joining a pid namespace orders its filesystem (see below).
  const labelled = !!proc && (!!proc.apparmorProfile || (!!proc.selinuxLabel && !!facts.lsm?.().selinux.enabled));
  const split = guarded ? filesystemBeforeFork(spec, ns.sharesMountNs, input.createHooks, facts, inUserNs, labelled) : undefined;
  for (const j of ns.joins) {
    const fd = input.namespaceFds.get(j.index);
    if (fd === undefined) throw new Error(`internal: no fd opened for namespace ${j.index}`);
    // ProcMake names the joined pid namespace by this fd: kept open (CloseExcept closes it).
    const keep = j.type === 'pid' && split?.procfsBy === 'made' ? [1] : [];
    w.add(`/linux/namespaces/${j.index}`, OpCode.Setns, [fd, NAMESPACE_FLAG[j.type], ...keep]);
    if (j.type === 'user') {
      // Still the host's root by id, which the joined namespace shows as the overflow id:
      // become its root (when it maps one), so files and mounts get sensible owners.
      w.add(`/linux/namespaces/${j.index}`, OpCode.Setresgid, [0, 1]);
      w.add(`/linux/namespaces/${j.index}`, OpCode.Setresuid, [0, 1]);
    }
  }
  if (ns.unshareFlags) w.add('/linux/namespaces', OpCode.Unshare, [ns.unshareFlags]);
  if (ns.created.has('time')) {
    const offsets = spec.linux?.timeOffsets ?? {};
    const lines = Object.entries(offsets).map(([clock, o]) => `${clock} ${o.secs ?? 0} ${o.nanosecs ?? 0}`);
    // Offsets can only be written before any process enters the namespace: before the fork.
    for (const line of lines) w.add('/linux/timeOffsets', OpCode.WriteProc, [], ['self/timens_offsets', line]);
  }
  if (userNs) {
    // Become the new user namespace's root only now: until here the child is still the host's
    // root by id, the owner of its own /proc/self files (it is not dumpable), so it can open
    // timens_offsets; as the namespace's root (a mapped uid) that open is refused (EACCES).
    // Nothing before needs the new ids: namespaces are joined and made by capability.
    const rootMapped = (m?: { containerID: number; size: number }[]) =>
      (m ?? []).some((x) => x.containerID === 0 && x.size > 0);
    if (rootMapped(spec.linux?.gidMappings)) w.add('/linux/gidMappings', OpCode.Setresgid, [0]);
    if (rootMapped(spec.linux?.uidMappings)) w.add('/linux/uidMappings', OpCode.Setresuid, [0]);
  }
  const mountLabel = effectiveMountLabel(spec.linux?.mountLabel, facts.lsm, input.warn);
  const hasHookSync = input.createHooks || (startHooks.length > 0 && !hookStateWithGo);
  const fs: FilesystemInput = { input, proc, inUserNs, sharesMountNs: ns.sharesMountNs, cgroupNs: ns.created.has('cgroup'), mountLabel };
  // A create joining a pid namespace: the forked init is visible to the processes already
  // there, so the invisible first stage makes the filesystem (mounts, the create hooks' stop,
  // pivot_root, masked and read-only paths, and the procfs of the joined namespace where it
  // can: ProcMake and ProcPlace, or ProcMount) and the init is forked with the container's
  // root, holding nothing of the host (docs/ARCHITECTURE.md "A create that joins a pid namespace").
  let closeAt = -1;
  // Set when the process attributes were planned before the fork (a joining create's new order).
  let home: ExecEnv | undefined;
  if (split) {
    if (split.procfsBy === 'made') {
      // Every mount in config order, each procfs made by the first stage for the joined
      // namespace where mount(2) would make it; the create hooks stop before pivot_root, as in
      // any create, and are told the first stage's pid (container/create.ts).
      const pidNsFd = input.namespaceFds.get(ns.joins.find((j) => j.type === 'pid')!.index)!;
      planFilesystem(w, fs, { hookSync: input.createHooks, paths: () => true, late: false, procfsBy: { pidNsFd } });
      closeAt = planCloseExcept(w);
      // The root fd did not survive CloseExcept: the container's / from now on.
      w.add('/root/path', OpCode.OpenRoot, [], ['/']);
    } else {
      // Without procfs's "pidns": the procfs mounts and what follows them after pivot_root.
      planFilesystem(w, fs, { mounts: { skip: split.after }, paths: (p) => !waitsForProc(p, split), late: false });
      const procMounts = () => {
        w.add('/root/path', OpCode.OpenRoot, [], ['/']);
        planMounts(w, spec, input.bundle, facts, input.cgroupViews, fs.cgroupNs, inUserNs, mountLabel, split.after, split.procfsBy === 'init' ? 'mount' : 'throwaway');
        planMaskedAndReadonly(w, spec, (p) => waitsForProc(p, split));
      };
      if (split.procfsBy === 'throwaway') {
        // The procfs of the joined namespace made by the first stage too (ProcMount), after
        // pivot_root and after the closes: the throwaway it clones into that namespace
        // inherits neither the host's root nor a descriptor of the host.
        closeAt = planCloseExcept(w);
        procMounts();
      } else {
        // The init mounts the procfs itself (no ProcMount here): it keeps the host's
        // privileges until its capability step.
        closeAt = planFork(w, '/linux/namespaces', true);
        w.add('process setup', OpCode.Setsid);
        procMounts();
        planLateFilesystem(w, fs, { console: true, paths: () => false });
        // Only the startContainer hooks' stdin is asked for here (create hooks keep the old order).
        if (startHooks.length > 0) planHookSync(w);
        if (proc) planPrivilegedAttributes(w, spec, proc, input.noNewKeyring, input.id, oomScoreAdjByParent !== undefined);
      }
    }
    if (split.procfsBy !== 'init') {
      // Then every privileged step of the init, as exec orders them (plan/exec.ts): all
      // inherited across the fork, so the init the joined namespace sees holds only the
      // container's credentials, capabilities, root and descriptors.
      const afterFork = proc ? planPrivilegedBeforeFork(w, fs, input, proc, oomScoreAdjByParent !== undefined) : undefined;
      if (!proc) planLateFilesystem(w, fs, { console: false, paths: () => false });
      planFork(w, '/linux/namespaces', true, closeAt);
      w.add('process setup', OpCode.Setsid);
      if (afterFork?.deadline) planScheduler(w, proc!);
      if (proc?.terminal) planTerminal(w, proc, '', ConsolePart.ControllingTerminal);
      // The startContainer hooks' state names the init's pid, known once it is forked.
      if (startHooks.length > 0) planHookSync(w);
      home = afterFork?.home;
    }
  } else {
    closeAt = ns.fork ? planFork(w, '/linux/namespaces', guarded) : -1;
    w.add('process setup', OpCode.Setsid);
    if (proc) planPrivilegedAttributes(w, spec, proc, input.noNewKeyring, input.id, oomScoreAdjByParent !== undefined);
    planFilesystem(w, fs, { hookSync: hasHookSync, paths: () => true, late: true });
  }

  if (!proc) {
    w.add('create', OpCode.SendSync, [SyncMsg.Ready]);
    w.add('start', OpCode.WaitStart, [input.execFifoFd]);
  } else {
    planProcessEnd(w, input, proc, startHooks, home ?? planProcessAttributes(w, proc, {
      seccomp: input.seccomp, facts, inUserNs, callerUmask: input.callerUmask, extraEnv: input.extraEnv, warn: input.warn,
    }));
  }

  finishGuardedFork(w.ops, closeAt, input.preservedFds);
  const plan = w.finish(ns.cloneFlags, input.cgroupFd);
  return { ...plan, waitsForGo, forks: ns.fork, hasHookSync, hookStateWithGo, sharesMountNs: ns.sharesMountNs, oomScoreAdjByParent };
}

/** Sections berth does not implement: an error, never a container that silently lacks them. */
function refuseUnsupported(spec: Spec): void {
  if (spec.linux?.intelRdt) throw new ConfigError('/linux/intelRdt', 'Intel RDT (resctrl) is not supported by berth yet');
}

/**
 * A joining create's first stage, after its procfs mounts: step 4's attributes, the terminal
 * but its TIOCSCTTY (the peer bound on /dev/console and made fds 0-2: the chown and the bind
 * need privileges), the read-only /dev and root, then step 8 up to no_new_privs. A
 * SCHED_DEADLINE task cannot fork (EAGAIN): that policy is left to the init (`deadline`).
 */
function planPrivilegedBeforeFork(
  w: PlanWriter, fs: FilesystemInput, input: PlanInput, proc: Process, oomScoreAdjByParent: boolean,
): { home: ExecEnv; deadline: boolean } {
  const deadline = proc.scheduler?.policy === 'SCHED_DEADLINE';
  const inherited = deadline ? { ...proc, scheduler: undefined } : proc;
  planPrivilegedAttributes(w, input.spec, inherited, input.noNewKeyring, input.id, oomScoreAdjByParent);
  if (proc.terminal) planTerminal(w, proc, CONTAINER_CONSOLE, ConsolePart.AllButControllingTerminal);
  planLateFilesystem(w, fs, { console: false, paths: () => false });
  const home = planProcessAttributes(w, proc, {
    seccomp: input.seccomp, facts: input.facts, inUserNs: fs.inUserNs, callerUmask: input.callerUmask, extraEnv: input.extraEnv, warn: input.warn,
  });
  return { home, deadline };
}

/** What follows the user switch: a filter with a listener, Ready, the exec fifo, startContainer hooks, the last filter, execve. */
function planProcessEnd(w: PlanWriter, input: PlanInput, proc: Process, startHooks: readonly Hook[], home: ExecEnv): void {
  // A notify fd must reach the listener during create (as with runc): load before Ready.
  const listener = hasListener(input.seccomp);
  if (input.seccomp && proc.noNewPrivileges && listener) planSeccomp(w, input.seccomp);

  w.add('create', OpCode.SendSync, [SyncMsg.Ready]);
  w.add('start', OpCode.WaitStart, [input.execFifoFd]);
  startHooks.forEach((h, i) => {
    const args = h.args && h.args.length ? h.args : [h.path];
    const env = h.env ?? [];
    w.add(`/hooks/startContainer/${i}`, OpCode.RunHook, [args.length, env.length, h.timeout ?? 0], [h.path, ...args, ...env]);
  });
  if (input.seccomp && proc.noNewPrivileges && !listener) planSeccomp(w, input.seccomp);
  planExecve(w, proc, input.preservedFds, home);
}

export interface ProcessAttributeInput {
  seccomp?: CompiledSeccomp;
  facts: Pick<HostFacts, 'lastCap' | 'permittedCaps' | 'lsm'>;
  /** created or joined a user namespace */
  inUserNs: boolean;
  callerUmask?: number;
  /** environment entries added after process.env (LISTEN_FDS, ...) */
  extraEnv: readonly string[];
  warn: (msg: string) => void;
}

/** The process's environment for execve, and whether the child appends the HOME it found. */
export interface ExecEnv {
  env: string[];
  appendHome: boolean;
}

/**
 * What the init gets (exec orders the same steps around its fork itself, plan/exec.ts): the
 * seccomp filter when it must precede the capability drop, user, groups and capabilities,
 * umask, cwd, the executable's lookup and no_new_privs. A filter with no_new_privs is left to
 * the caller: it comes as late as possible.
 */
export function planProcessAttributes(w: PlanWriter, proc: Process, input: ProcessAttributeInput): ExecEnv {
  // Read as root, before seccomp and the user switch can stand in the way.
  const home = planHome(w, proc, input.extraEnv);
  // AppArmor profile and SELinux label for the execve: while still privileged (the procfs
  // write needs CAP_SYS_ADMIN) and before any seccomp filter.
  planProcessLabels(w, proc, input.facts.lsm, input.warn);
  // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN, which the capability step may
  // drop: load it before (as runc does). With no_new_privs it comes last, right before exec.
  if (input.seccomp && !proc.noNewPrivileges) planSeccomp(w, input.seccomp);
  // In a user namespace of its own the process holds every capability there; otherwise no
  // more than the runtime has.
  const grantable = input.inUserNs ? undefined : input.facts.permittedCaps;
  planUserAndCwd(w, proc, input.facts.lastCap, input.warn, grantable, proc.user.umask ?? input.callerUmask ?? 0o022);
  w.add('/process/args/0', OpCode.ResolveExec, [], execCandidates(proc));
  if (proc.noNewPrivileges) w.add('/process/noNewPrivileges', OpCode.Prctl, [PR.SET_NO_NEW_PRIVS, 1, 0, 0, 0]);
  return home;
}

/** The last two steps: stdio and preserved fds survive execve, then execve itself. */
export function planExecve(w: PlanWriter, proc: Process, preservedFds: number, { env, appendHome }: ExecEnv): void {
  // Node marks 0-2 close-on-exec; the container's stdio and preserved fds must survive execve.
  w.add('process setup', OpCode.PrepareStdio, [3 + preservedFds]);
  const args = proc.args ?? [];
  w.add('/process/args', OpCode.Exec, [args.length, env.length, appendHome ? 1 : 0], [...args, ...env]);
}
