// The process attributes of config.json turned into plan steps: rlimits, scheduling,
// user and groups, capabilities, no_new_privs, and the executable's lookup through PATH.

import * as path from '../sys/posix-path.js';
import { ConfigError } from '../errors.js';
import type { Process, Spec } from '../spec/types.js';
import { capWords, resolveCapabilities } from './capabilities.js';
import {
  DEFAULT_PATH, IOPRIO_CLASSES, MEMPOLICY_FLAGS, MEMPOLICY_MODES, PERSONALITY_DOMAINS, PR,
  RLIMITS, SCHED_FLAGS, SCHED_POLICIES,
} from './linux-constants.js';
import { OpCode } from './ops.js';
import type { PlanWriter } from './writer.js';

const INFINITY_FLOOR = 2 ** 63; // values past this came from 2^64-1 (RLIM_INFINITY) in JSON

function rlimitValue(v: number): number {
  return v >= INFINITY_FLOOR ? -1 : v;
}

export function planRlimits(w: PlanWriter, proc: Process): void {
  (proc.rlimits ?? []).forEach((r, i) => {
    const res = RLIMITS[r.type];
    if (res === undefined) throw new ConfigError(`/process/rlimits/${i}/type`, `unknown rlimit "${r.type}"`);
    w.add(`/process/rlimits/${i}`, OpCode.Setrlimit, [res, rlimitValue(r.soft), rlimitValue(r.hard)]);
  });
}

/**
 * Attributes that need privileges the user switch takes away, so they come first.
 * @param oomScoreAdjByParent the parent writes oom_score_adj (a child in a user namespace
 *   cannot: its /proc/self files belong to the host's root), so no op for it here
 */
export function planPrivilegedAttributes(w: PlanWriter, spec: Spec, proc: Process, noNewKeyring: boolean, id: string, oomScoreAdjByParent = false): void {
  if (proc.oomScoreAdj !== undefined && !oomScoreAdjByParent) {
    w.add('/process/oomScoreAdj', OpCode.WriteProc, [], ['self/oom_score_adj', String(proc.oomScoreAdj)]);
  }
  planRlimits(w, proc);
  planScheduler(w, proc);
  if (proc.ioPriority) {
    const cls = IOPRIO_CLASSES[proc.ioPriority.class];
    if (cls === undefined) throw new ConfigError('/process/ioPriority/class', `unknown class "${proc.ioPriority.class}"`);
    w.add('/process/ioPriority', OpCode.IoprioSet, [cls, proc.ioPriority.priority]);
  }
  const pers = spec.linux?.personality;
  if (pers) {
    const domain = PERSONALITY_DOMAINS[pers.domain];
    if (domain === undefined) throw new ConfigError('/linux/personality/domain', `unknown domain "${pers.domain}"`);
    if (pers.flags && pers.flags.length) throw new ConfigError('/linux/personality/flags', 'personality flags are not supported');
    w.add('/linux/personality', OpCode.Personality, [domain]);
  }
  const mp = spec.linux?.memoryPolicy;
  if (mp) {
    const mode = MEMPOLICY_MODES[mp.mode];
    if (mode === undefined) throw new ConfigError('/linux/memoryPolicy/mode', `unknown mode "${mp.mode}"`);
    const flags = flagBits(mp.flags, MEMPOLICY_FLAGS, '/linux/memoryPolicy/flags');
    w.add('/linux/memoryPolicy', OpCode.SetMempolicy, [mode | flags, ...nodeMaskWords(mp.nodes ?? '')]);
  }
  if (!noNewKeyring) {
    // runc names the session keyring after the container; a fresh keyring keeps the host's
    // keys out of reach.
    w.add('session keyring', OpCode.JoinKeyring, [], [`_ses.${id}`]);
  }
}

/** The bits of named flags ORed together; an unknown name is a ConfigError at `path`/N. */
function flagBits(names: readonly string[] | undefined, bits: Readonly<Record<string, number>>, path: string): number {
  let flags = 0;
  (names ?? []).forEach((f, i) => {
    const bit = bits[f];
    if (bit === undefined) throw new ConfigError(`${path}/${i}`, `unknown flag "${f}"`);
    flags |= bit;
  });
  return flags;
}

/** process.scheduler: sched_setattr of the process itself. */
export function planScheduler(w: PlanWriter, proc: Process): void {
  const sched = proc.scheduler;
  if (sched) {
    const policy = SCHED_POLICIES[sched.policy];
    if (policy === undefined) throw new ConfigError('/process/scheduler/policy', `unknown policy "${sched.policy}"`);
    const flags = flagBits(sched.flags, SCHED_FLAGS, '/process/scheduler/flags');
    w.add('/process/scheduler', OpCode.SchedSetattr, [
      policy, sched.nice ?? 0, sched.priority ?? 0, flags, sched.runtime ?? 0, sched.deadline ?? 0, sched.period ?? 0,
    ]);
  }
}

/** "0-3,7" -> 64-bit words of a nodemask, as JS numbers holding 32-bit halves pairwise. */
export function nodeMaskWords(nodes: string): number[] {
  const bits: number[] = [];
  for (const part of nodes.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new ConfigError('/linux/memoryPolicy/nodes', `bad node list "${nodes}"`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi > 1023) throw new ConfigError('/linux/memoryPolicy/nodes', `bad node range "${part}"`);
    for (let n = lo; n <= hi; n++) bits.push(n);
  }
  const words: number[] = [];
  for (const b of bits) {
    const word = Math.floor(b / 32);
    while (words.length <= word) words.push(0);
    words[word] = (words[word]! | (1 << (b % 32))) >>> 0;
  }
  return words; // 32-bit words; the child packs pairs into unsigned longs
}

export function planIdentityAndCapabilities(
  w: PlanWriter,
  proc: Process,
  lastCap: number,
  warn: (msg: string) => void,
  grantable?: bigint,
): void {
  const caps = resolveCapabilities(proc.capabilities, lastCap, warn, grantable);
  // Keep the permitted set across the uid change; capset narrows it afterwards.
  w.add('/process/user', OpCode.Prctl, [PR.SET_KEEPCAPS, 1, 0, 0, 0]);
  for (let c = 0; c <= lastCap; c++) {
    if (!caps.bounding.includes(c)) w.add('/process/capabilities/bounding', OpCode.Prctl, [PR.CAPBSET_DROP, c, 0, 0, 0]);
  }
  const user = proc.user;
  w.add('/process/user/additionalGids', OpCode.Setgroups, user.additionalGids ?? []);
  w.add('/process/user/gid', OpCode.Setresgid, [user.gid]);
  w.add('/process/user/uid', OpCode.Setresuid, [user.uid]);
  w.add('/process/user', OpCode.Prctl, [PR.SET_KEEPCAPS, 0, 0, 0, 0]);
  w.add('/process/capabilities', OpCode.Capset, [
    ...capWords(caps.effective), ...capWords(caps.permitted), ...capWords(caps.inheritable),
  ]);
  w.add('/process/capabilities/ambient', OpCode.Prctl, [PR.CAP_AMBIENT, PR.CAP_AMBIENT_CLEAR_ALL, 0, 0, 0]);
  for (const c of caps.ambient) {
    w.add('/process/capabilities/ambient', OpCode.Prctl, [PR.CAP_AMBIENT, PR.CAP_AMBIENT_RAISE, c, 0, 0]);
  }
}

/**
 * HOME, as runc sets it: when process.env has no HOME (or an empty one), the home of the
 * user's entry in the container's /etc/passwd, else /. The file is read by the child after
 * the root switch, so it is the container's own, with the config's mounts over /etc in place.
 * Returns the environment for Exec and whether Exec appends the HOME found.
 */
export function planHome(w: PlanWriter, proc: Process, extraEnv: readonly string[]): { env: string[]; appendHome: boolean } {
  const env = [...(proc.env ?? []), ...extraEnv];
  if (env.some((e) => e.startsWith('HOME=') && e.length > 5)) return { env, appendHome: false };
  w.add('/process/env', OpCode.PasswdHome, [proc.user.uid], ['/etc/passwd']);
  return { env: env.filter((e) => e !== 'HOME='), appendHome: true };
}

/**
 * The user switch with the working directory around it, in runc's order: chdir first as the
 * runtime's root, so a cwd only root can enter (/root, 0700) works for any user; when that is
 * refused (a directory only the user may enter, e.g. root squashed on NFS), again after the switch.
 */
export function planUserAndCwd(
  w: PlanWriter,
  proc: Process,
  lastCap: number,
  warn: (msg: string) => void,
  grantable: bigint | undefined,
  umask: number,
): void {
  w.add('/process/cwd', OpCode.Chdir, [1], [proc.cwd]);
  planIdentityAndCapabilities(w, proc, lastCap, warn, grantable);
  w.add('/process/user/umask', OpCode.Umask, [umask]);
  w.add('/process/cwd', OpCode.Chdir, [2], [proc.cwd]);
}

/** Where execve may find args[0]: itself when it has a slash, else each PATH entry in order. */
export function execCandidates(proc: Process): string[] {
  const arg0 = proc.args?.[0];
  if (!arg0) return [];
  if (arg0.includes('/')) return [path.resolve(proc.cwd, arg0)];
  const pathVar = (proc.env ?? []).find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  return pathVar
    .split(':')
    .map((dir) => (dir === '' ? proc.cwd : dir))
    .map((dir) => path.resolve(proc.cwd, dir, arg0));
}
