// The fork into a pid namespace other processes already live in (exec, a create that joins a
// pid namespace by path), guarded against the container's own processes (the CVE-2019-5736 /
// CVE-2016-9962 class, docs/ARCHITECTURE.md "Threat model: a container overwriting berth").
// Until its execve the forked process is a copy of berth with every host capability, visible
// in the container's /proc. A privileged container holds CAP_SYS_PTRACE in the host's user
// namespace, which overrides the non-dumpable flag, so two more things are needed:
//   - the ptrace slot taken from birth: SpawnTracer (before any Setns, so the tracer stays in
//     the host's namespaces) and ForkReport with CLONE_PTRACE;
//   - nothing of the host held: CloseExcept before the fork closes every descriptor
//     the rest of the plan does not name (close-on-exec would only act at execve, and
//     /proc/PID/fd/N is open to CAP_SYS_PTRACE until then).

import { OpCode, type Op } from './ops.js';
import type { PlanWriter } from './writer.js';

/** The first op of a guarded plan: before the namespaces are joined. */
export function planTracer(w: PlanWriter): void {
  w.add('process setup', OpCode.SpawnTracer);
}

/**
 * A CloseExcept on its own, whose keep list finishGuardedFork fills in; returns its index. A
 * plan may close early (exec: before its privileged steps, so a low RLIMIT_NOFILE they set
 * still leaves room for the fds they open).
 */
export function planCloseExcept(w: PlanWriter): number {
  const at = w.ops.length;
  w.add('process setup', OpCode.CloseExcept);
  return at;
}

/**
 * The fork itself: CloseExcept (its keep list filled in by finishGuardedFork once the plan
 * is complete) then ForkReport. Returns the CloseExcept's index. Unguarded: a plain fork.
 * `closedAt`: the CloseExcept came earlier (planCloseExcept; what came between opened
 * nothing of the host), returned as is; the fork follows alone.
 */
export function planFork(w: PlanWriter, origin: string, guarded: boolean, closedAt = -1): number {
  if (!guarded) {
    w.add(origin, OpCode.ForkReport);
    return -1;
  }
  const at = closedAt >= 0 ? closedAt : planCloseExcept(w);
  w.add(origin, OpCode.ForkReport, [1]);
  return at;
}

/** Descriptors an op uses that the parent opened (by slot: Setns, WaitStart, Close, Dup2). */
function fdsNamedBy(op: Op): number[] {
  const n = op.n ?? [];
  switch (op.code) {
    case OpCode.Setns:
    case OpCode.WaitStart:
    case OpCode.Close:
      return [n[0]!];
    case OpCode.Dup2:
      return [n[0]!, n[1]!];
    default:
      return [];
  }
}

/**
 * Fills in the keep list of the CloseExcept at `at`: stdio, the preserved fds 3 ..
 * 3+preservedFds-1 and every fd a later op names (the sync socket the child keeps itself).
 */
export function finishGuardedFork(ops: Op[], at: number, preservedFds: number): void {
  if (at < 0) return;
  const keep = new Set<number>([0, 1, 2]);
  for (let fd = 3; fd < 3 + preservedFds; fd++) keep.add(fd);
  for (const op of ops.slice(at + 1)) for (const fd of fdsNamedBy(op)) if (fd >= 0) keep.add(fd);
  ops[at]!.n = [...keep].sort((a, b) => a - b);
}
