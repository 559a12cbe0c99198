// Rules for /process: the user, working directory, arguments and environment, rlimits,
// capabilities (unknown ones are warnings, as the spec asks), OOM score, I/O priority,
// scheduler and CPU affinity.

import { CAPABILITIES, RLIMITS } from '../../plan/linux-constants.js';
import type { Process, Spec } from '../types.js';
import type { Findings } from './findings.js';
import { numberListProblem } from './number-lists.js';
import { checkAbsolute, hasNul } from './paths.js';

export function checkProcess(f: Findings, spec: Spec): void {
  const proc = spec.process;
  if (!proc) return;
  checkUser(f, proc);
  checkAbsolute(f, '/process/cwd', proc.cwd, 'working directory');
  const args = proc.args ?? [];
  for (let i = 0; i < args.length; i++) if (hasNul(args[i]!)) f.fail(`/process/args/${i}`, 'the argument contains a NUL byte');
  const env = proc.env ?? [];
  for (let i = 0; i < env.length; i++) checkEnvEntry(f, i, env[i]!);
  checkRlimits(f, proc);
  checkCapabilities(f, proc);
  if (proc.oomScoreAdj !== undefined && (proc.oomScoreAdj < -1000 || proc.oomScoreAdj > 1000)) {
    f.fail('/process/oomScoreAdj', `${proc.oomScoreAdj} is outside the kernel's range -1000 to 1000`);
  }
  if (proc.ioPriority) {
    const prio = proc.ioPriority.priority as number | undefined;
    if (prio === undefined) f.fail('/process/ioPriority/priority', 'is required when ioPriority is set');
    if (prio < 0 || prio > 7) f.fail('/process/ioPriority/priority', `${prio} is outside 0 (highest) to 7 (lowest)`);
  }
  checkScheduler(f, proc);
  for (const which of ['initial', 'final'] as const) {
    const list = proc.execCPUAffinity?.[which];
    const problem = list === undefined ? undefined : numberListProblem(list);
    if (problem) f.fail(`/process/execCPUAffinity/${which}`, `is not a CPU list: ${problem}`);
  }
}

/** The spec makes user, uid and gid REQUIRED on Linux; the official schema does not say so. */
function checkUser(f: Findings, proc: Process): void {
  const user = proc.user as Process['user'] | undefined;
  if (!user) f.fail('/process/user', 'is required on Linux');
  if (user.uid === undefined) f.fail('/process/user/uid', 'is required on Linux');
  if (user.gid === undefined) f.fail('/process/user/gid', 'is required on Linux');
}

/** environ(7) entries are NAME=value; runc refuses the same entries. */
function checkEnvEntry(f: Findings, i: number, entry: string): void {
  const eq = entry.indexOf('=');
  if (eq > 0 && !hasNul(entry)) return;
  const at = `/process/env/${i}`;
  if (hasNul(entry)) f.fail(at, 'the variable contains a NUL byte');
  if (eq < 0) f.fail(at, `"${entry}" has no "=": an environment entry is NAME=value`);
  f.fail(at, `"${entry}" has an empty name`);
}

function checkRlimits(f: Findings, proc: Process): void {
  const seen = new Map<string, number>();
  (proc.rlimits ?? []).forEach((r, i) => {
    const at = `/process/rlimits/${i}`;
    if (!(r.type in RLIMITS)) f.fail(`${at}/type`, `"${r.type}" is not a Linux resource limit (see getrlimit(2))`);
    const first = seen.get(r.type);
    if (first !== undefined) f.fail(`${at}/type`, `${r.type} is already set by /process/rlimits/${first}`);
    seen.set(r.type, i);
    if (r.soft > r.hard) f.fail(`${at}/soft`, `soft limit ${r.soft} is above the hard limit ${r.hard}`);
  });
}

const CAPABILITY_SETS = ['bounding', 'effective', 'inheritable', 'permitted', 'ambient'] as const;

/**
 * The spec asks for a warning, not an error, for a capability that cannot be granted: a
 * config written for a newer kernel still runs, without that capability.
 */
function checkCapabilities(f: Findings, proc: Process): void {
  const caps = proc.capabilities;
  if (!caps) return;
  for (const set of CAPABILITY_SETS) {
    (caps[set] ?? []).forEach((name, i) => {
      if (!CAPABILITIES.includes(name)) f.warn(`/process/capabilities/${set}/${i}`, `unknown capability "${name}" is ignored`);
    });
  }
  // prctl(PR_CAP_AMBIENT_RAISE) fails for a capability not both permitted and inheritable.
  // One warning for the whole set: runc's default spec lists three ambient capabilities and
  // no inheritable ones (CVE-2022-29162), so every bundle made by `spec` meets this.
  const unraisable = (caps.ambient ?? []).filter(
    (name) => CAPABILITIES.includes(name) && (!caps.permitted?.includes(name) || !caps.inheritable?.includes(name)),
  );
  if (unraisable.length === 1) {
    f.warn('/process/capabilities/ambient', `${unraisable[0]} is not also permitted and inheritable, so the kernel will not raise it`);
  } else if (unraisable.length > 1) {
    f.warn('/process/capabilities/ambient', `${unraisable.join(', ')} are not also permitted and inheritable, so the kernel will not raise them`);
  }
}

const REALTIME = new Set(['SCHED_FIFO', 'SCHED_RR']);

/** sched_setattr(2)'s rules, checked before the container exists (runc checks most of them too). */
function checkScheduler(f: Findings, proc: Process): void {
  const s = proc.scheduler;
  if (!s) return;
  const at = '/process/scheduler';
  if (s.nice !== undefined && (s.nice < -20 || s.nice > 19)) f.fail(`${at}/nice`, `${s.nice} is outside -20 to 19`);
  const priority = s.priority ?? 0;
  if (REALTIME.has(s.policy)) {
    if (priority < 1 || priority > 99) f.fail(`${at}/priority`, `${s.policy} needs a priority from 1 to 99, not ${priority}`);
  } else if (priority !== 0) {
    f.fail(`${at}/priority`, `only SCHED_FIFO and SCHED_RR take a priority, not ${s.policy}`);
  }
  const runtime = s.runtime ?? 0;
  const deadline = s.deadline ?? 0;
  const period = s.period ?? 0;
  if (s.policy !== 'SCHED_DEADLINE') {
    for (const field of ['runtime', 'deadline', 'period'] as const) {
      if (s[field]) f.fail(`${at}/${field}`, `only SCHED_DEADLINE takes a ${field}, not ${s.policy}`);
    }
    return;
  }
  // The kernel wants 1024 ns <= runtime <= deadline <= period (a period of 0 means the deadline).
  if (runtime < 1024) f.fail(`${at}/runtime`, `SCHED_DEADLINE needs a runtime of at least 1024 ns, not ${runtime}`);
  if (deadline < runtime) f.fail(`${at}/deadline`, `deadline ${deadline} is below the runtime ${runtime}`);
  if (period !== 0 && period < deadline) f.fail(`${at}/period`, `period ${period} is below the deadline ${deadline}`);
}

/** `start` runs the process: it must be there and name a program (config.md, process.args). */
export function checkStartable(f: Findings, spec: Spec): void {
  const proc = spec.process;
  if (!proc) f.fail('/process', 'is required to start a container: it names the program to run');
  const args = proc.args ?? [];
  if (!args.length) f.fail('/process/args', 'must have at least one entry: the program to run');
  if (args[0] === '') f.fail('/process/args/0', 'is empty: it must name the program to run');
}
