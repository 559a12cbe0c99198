// `berth exec`: the process to start in a running container, and its plan. Pure, like
// build.ts: the container's namespaces arrive as descriptors the parent opened (a pidfd of
// the init, or its /proc/PID/ns files), so this is unit-tested without root.
//
// The plan joins every namespace the container has (its record at create), lands in the
// container's cgroup, and runs the steps an init gets (process.ts, lsm.ts), with no mounts
// and, for a terminal, no /dev/console: the console belongs to the init. It forks when the
// pid or time namespace was joined (setns only moves the children). Every privileged step
// comes before that fork, in the first stage the container cannot see; the forked process
// inherits their results and only makes its session, takes its terminal, loads a seccomp
// filter (with no_new_privs) and execs (docs/ARCHITECTURE.md "Threat model: a container
// overwriting berth").

import { UsageError } from '../errors.js';
import type { NamespaceType, Process, Spec } from '../spec/types.js';
import { SyncMsg } from '../sys/sync.js';
import { type CompiledSeccomp, planExecve } from './build.js';
import { ConsolePart, planSeccomp, planTerminal } from './fd-ops.js';
import { finishGuardedFork, planCloseExcept, planFork, planTracer } from './guarded-fork.js';
import type { HostFacts } from './mounts.js';
import { JOIN_ORDER, NAMESPACE_FLAG } from './namespaces.js';
import { OpCode, type LaunchPlan } from './ops.js';
import { PR } from './linux-constants.js';
import { planProcessLabels } from './lsm.js';
import { execCandidates, planHome, planPrivilegedAttributes, planScheduler, planUserAndCwd } from './process.js';
import { PlanWriter } from './writer.js';

/** The flags of `berth exec` that shape the process (runc's getProcess). */
export interface ExecProcessFlags {
  args: string[];
  cwd?: string;
  env: string[];
  tty?: boolean;
  /** "UID[:GID]" */
  user?: string;
  additionalGids: string[];
  caps: string[];
  noNewPrivs?: boolean;
  apparmor?: string;
  processLabel?: string;
}

function parseId(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) throw new UsageError(`invalid ${what} ${JSON.stringify(text)}: not a number from 0 to 4294967295`);
  return Number(text);
}

/** NAME=value lines with later ones replacing earlier ones of the same name, in first-seen order. */
export function mergeEnv(base: readonly string[], extra: readonly string[]): string[] {
  const out: string[] = [];
  const at = new Map<string, number>();
  for (const line of [...base, ...extra]) {
    const eq = line.indexOf('=');
    const name = eq < 0 ? line : line.slice(0, eq);
    const i = at.get(name);
    if (i === undefined) {
      at.set(name, out.length);
      out.push(line);
    } else {
      out[i] = line;
    }
  }
  return out;
}

/**
 * The container's process with the command line's changes, as runc builds it: new args, --cwd,
 * --env appended (a repeated name overrides), terminal only with --tty, --user and
 * --additional-gids, --cap added to the bounding, effective and permitted sets (and ambient when
 * the config has an inheritable set, since ambient needs it), --no-new-privs.
 */
export function execProcess(base: Process | undefined, f: ExecProcessFlags): Process {
  if (!f.args.length) throw new UsageError('exec needs a command to run (or --process FILE)');
  const p: Process = structuredClone(base ?? { user: { uid: 0, gid: 0 }, cwd: '/' });
  p.args = [...f.args];
  delete p.commandLine;
  if (f.cwd) p.cwd = f.cwd;
  if (f.apparmor) p.apparmorProfile = f.apparmor;
  if (f.processLabel) p.selinuxLabel = f.processLabel;
  if (f.caps.length) {
    const c = (p.capabilities ??= {});
    for (const cap of f.caps) {
      const name = cap.toUpperCase().startsWith('CAP_') ? cap.toUpperCase() : `CAP_${cap.toUpperCase()}`;
      (c.bounding ??= []).push(name);
      (c.effective ??= []).push(name);
      (c.permitted ??= []).push(name);
      if (c.inheritable) (c.ambient ??= []).push(name);
    }
  }
  p.env = mergeEnv(p.env ?? [], f.env);
  p.terminal = !!f.tty;
  delete p.consoleSize;
  if (f.noNewPrivs !== undefined) p.noNewPrivileges = f.noNewPrivs;
  if (f.user) {
    const [uid, gid] = f.user.split(':', 2);
    p.user = { ...p.user, uid: parseId(uid!, 'uid'), gid: gid === undefined ? 0 : parseId(gid, 'gid') };
  }
  if (f.additionalGids.length) {
    p.user = { ...p.user, additionalGids: [...(p.user.additionalGids ?? []), ...f.additionalGids.map((g) => parseId(g, 'additional gid'))] };
  }
  return p;
}

/** How the child reaches the init's namespaces. */
export type NamespaceEntry =
  /** setns(pidfd, every flag at once): Linux 5.8 and later */
  | { pidfd: number; types: NamespaceType[] }
  /** one /proc/PID/ns/* fd per namespace, joined in JOIN_ORDER */
  | { files: { type: NamespaceType; fd: number }[] };

export interface ExecPlanInput {
  id: string;
  /** the container's config (linux.seccomp, personality ...), process being `process` */
  spec: Spec;
  process: Process;
  rootfs: string;
  facts: Pick<HostFacts, 'lastCap' | 'permittedCaps' | 'lsm'>;
  namespaces: NamespaceEntry;
  /** the container shares the runtime's mount namespace (chrooted into rootfs) */
  sharesMountNs: boolean;
  /** cgroup v2 dir fd for CLONE_INTO_CGROUP, or -1 (then the parent places the pid before Go) */
  cgroupFd: number;
  preservedFds: number;
  extraEnv: readonly string[];
  seccomp?: CompiledSeccomp;
  noNewKeyring: boolean;
  callerUmask?: number;
  warn: (msg: string) => void;
}

export interface ExecPlan extends LaunchPlan {
  waitsForGo: boolean;
  /** the child forks: the process is the pid reported by SyncMsg.Pid */
  forks: boolean;
}

export function buildExecPlan(input: ExecPlanInput): ExecPlan {
  const proc = input.process;
  const types = 'pidfd' in input.namespaces ? input.namespaces.types : input.namespaces.files.map((f) => f.type);
  // Forking into the container's pid namespace: its processes see ours until execve (guarded-fork.ts).
  const guarded = types.includes('pid');
  const w = new PlanWriter();
  w.add('process setup', OpCode.ResetSignals);
  if (guarded) planTracer(w);
  w.add('process setup', OpCode.CloexecFrom, [3 + input.preservedFds]);
  const waitsForGo = input.cgroupFd < 0;
  if (waitsForGo) w.add('cgroup placement', OpCode.WaitSync, [SyncMsg.Go]);

  // Nothing of the host held from here on (guarded-fork.ts); this early, a low RLIMIT_NOFILE
  // set below still leaves room for the descriptors the first stage opens.
  const closedAt = guarded ? planCloseExcept(w) : -1;

  // The procfs writes, inherited across the fork like every other attribute, before the
  // namespaces: a first stage in the container's user namespace could no longer make a procfs
  // of the host's pid namespace, and the container's procfs has no /proc/self for a process
  // outside its pid namespace.
  if (proc.oomScoreAdj !== undefined) {
    w.add('/process/oomScoreAdj', OpCode.WriteProc, [], ['self/oom_score_adj', String(proc.oomScoreAdj)]);
  }
  // AppArmor profile and SELinux label for the execve (before any seccomp filter).
  planProcessLabels(w, proc, input.facts.lsm, input.warn);

  const ns = input.namespaces;
  if ('pidfd' in ns) {
    const flags = ns.types.reduce((f, t) => f | NAMESPACE_FLAG[t], 0);
    if (flags) w.add('the container\'s namespaces', OpCode.Setns, [ns.pidfd, flags]);
    else w.add('process setup', OpCode.Close, [ns.pidfd]);
  } else {
    const files = [...ns.files].sort((a, b) => JOIN_ORDER.indexOf(a.type) - JOIN_ORDER.indexOf(b.type));
    for (const f of files) w.add(`the container's ${f.type} namespace`, OpCode.Setns, [f.fd, NAMESPACE_FLAG[f.type]]);
  }
  const inUserNs = types.includes('user');
  const forks = types.includes('pid') || types.includes('time');
  // Without a mount namespace the container is a chroot: so is its exec'd process, from
  // before the fork, so the forked process never has the host's / as its root.
  if (input.sharesMountNs) w.add('/root/path', OpCode.Chroot, [], [input.rootfs]);

  // Every privileged step, in the first stage (docs/ARCHITECTURE.md "Threat model: a
  // container overwriting berth"): what it sets is inherited across the fork, so the process
  // the container can see holds only its own credentials, capabilities, root and descriptors.
  // A SCHED_DEADLINE task cannot fork (EAGAIN): that policy is set after the fork.
  const deadlineAfterFork = forks && proc.scheduler?.policy === 'SCHED_DEADLINE';
  const inherited = deadlineAfterFork ? { ...proc, scheduler: undefined } : proc;
  planPrivilegedAttributes(w, input.spec, inherited, input.noNewKeyring, input.id, /* oom_score_adj written above */ true);
  // A new pty from the container's devpts, made fds 0-2 here (chown of the peer needs
  // privileges); /dev/console stays the init's (as with runc). The controlling terminal
  // needs the new session, made after the fork.
  if (proc.terminal) planTerminal(w, proc, '', ConsolePart.AllButControllingTerminal);
  // Read as root, before seccomp and the user switch can stand in the way.
  const home = planHome(w, proc, input.extraEnv);
  // Loading a filter without no_new_privs needs CAP_SYS_ADMIN, which the user switch may
  // drop: here, before it (the fork, setsid and TIOCSCTTY then run under the filter). With
  // no_new_privs it is loaded after the fork, right before execve.
  if (input.seccomp && !proc.noNewPrivileges) planSeccomp(w, input.seccomp);
  // In a user namespace of its own the process holds every capability there; otherwise no
  // more than the runtime has.
  const grantable = inUserNs ? undefined : input.facts.permittedCaps;
  planUserAndCwd(w, proc, input.facts.lastCap, input.warn, grantable, proc.user.umask ?? input.callerUmask ?? 0o022);
  w.add('/process/args/0', OpCode.ResolveExec, [], execCandidates(proc));
  if (proc.noNewPrivileges) w.add('/process/noNewPrivileges', OpCode.Prctl, [PR.SET_NO_NEW_PRIVS, 1, 0, 0, 0]);

  // The fork, made with the container's credentials; what is left needs the new process.
  const closeAt = forks ? planFork(w, 'the container\'s pid namespace', guarded, closedAt) : -1;
  w.add('process setup', OpCode.Setsid);
  if (deadlineAfterFork) planScheduler(w, proc);
  if (proc.terminal) planTerminal(w, proc, '', ConsolePart.ControllingTerminal);
  if (input.seccomp && proc.noNewPrivileges) planSeccomp(w, input.seccomp);
  planExecve(w, proc, input.preservedFds, home);
  // No Ready: the sync socket is close-on-exec, so its end is the news that execve succeeded.
  finishGuardedFork(w.ops, closeAt, input.preservedFds);
  const plan = w.finish(0, input.cgroupFd);
  return { ...plan, waitsForGo, forks };
}
