// The plan steps that end with the child handing a descriptor to the parent: the terminal
// (process.terminal) and a seccomp filter with a notify listener. Kept apart from build.ts,
// which only calls these at the right places.

import type { Process } from '../spec/types.js';
import type { CompiledSeccomp } from './build.js';
import { OpCode } from './ops.js';
import type { PlanWriter } from './writer.js';

/** seccomp(2) SECCOMP_FILTER_FLAG_NEW_LISTENER (mirrors src/seccomp/names.ts). */
const NEW_LISTENER = 1 << 3;

/** The container's own devpts multiplexer, opened without following a symlink (as runc does). */
export const CONTAINER_PTMX = '/dev/pts/ptmx';
export const CONTAINER_CONSOLE = '/dev/console';

/** True when the filter is loaded with a notify listener, whose fd must reach the runtime. */
export function hasListener(seccomp: CompiledSeccomp | undefined): boolean {
  return !!seccomp && (seccomp.flags & NEW_LISTENER) !== 0;
}

/** Which part of the terminal's setup a Console op makes (its n3). */
export enum ConsolePart {
  /** everything, in one process (create's init) */
  All = 0,
  /** the pty made, the master sent, the peer made fds 0-2: the privileged part */
  AllButControllingTerminal = 1,
  /** TIOCSCTTY on fd 0 only: after setsid, in the process that execs */
  ControllingTerminal = 2,
}

/**
 * A Console op for process.terminal with `console` as where the peer is bound ("" for none).
 * The parent must expect SyncMsg.ConsoleFd unless `part` is ControllingTerminal.
 */
export function planTerminal(w: PlanWriter, proc: Process, console: string, part = ConsolePart.All): void {
  const size = proc.consoleSize;
  const rows = size && size.height > 0 && size.width > 0 ? size.height : 0;
  const cols = rows ? size!.width : 0;
  const n = [rows, cols, proc.user?.uid ?? 0];
  if (part !== ConsolePart.All) n.push(part);
  w.add('/process/terminal', OpCode.Console, n, [CONTAINER_PTMX, console]);
}

/**
 * process.terminal: after pivot_root (paths are the container's), before the read-only and
 * masked paths, as runc does it. The parent must expect SyncMsg.ConsoleFd.
 */
export function planConsole(w: PlanWriter, proc: Process): void {
  planTerminal(w, proc, CONTAINER_CONSOLE);
}

/** The seccomp load: with a listener, the child sends the notify fd (SyncMsg.SeccompFd). */
export function planSeccomp(w: PlanWriter, seccomp: CompiledSeccomp): void {
  const code = hasListener(seccomp) ? OpCode.SeccompListener : OpCode.Seccomp;
  w.add('/linux/seccomp', code, [seccomp.flags], [], seccomp.bpf);
}
