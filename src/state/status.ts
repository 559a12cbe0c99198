// Status is derived, never trusted from the record: the init must be alive (not a zombie)
// and have the start time recorded at create, so a reused pid never counts as the container.
// A live init is "created" while the exec fifo exists (start removes it) and "running" after;
// either is "paused" while the container's cgroup is frozen (container/status.ts asks the
// cgroup driver: the freezer is the truth, nothing about pausing is stored).
//
// /proc and the fifo check sit behind small interfaces so tests can feed any process table.

import { isDigits } from '../sys/chars.js';
import { io, readIfExists } from '../sys/io.js';
import type { StoredState } from './types.js';

export type Status = 'created' | 'running' | 'paused' | 'stopped';

export interface ProcReader {
  /** contents of /proc/<pid>/stat, or null when there is no such process */
  stat(pid: number): string | null;
}

export const liveProc: ProcReader = {
  stat(pid: number): string | null {
    return readIfExists(`/proc/${pid}/stat`) ?? null;
  },
};

export interface ProcStat {
  /** field 3: R, S, D, Z, T, t, X, I, ... */
  state: string;
  /** field 22, clock ticks after boot, kept as text (it can exceed 2^53 in theory) */
  startTime: string;
}

/**
 * Parses /proc/<pid>/stat. Field 2 (comm) is in parentheses and may itself contain spaces
 * and parentheses, so the fields are counted from the last ')'.
 */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // The kernel separates the fields by single spaces; no regex here (sys/chars.ts says why).
  const fields = text.slice(close + 1).trim().split(' ').filter((f) => f !== ''); // fields[0] is field 3
  const state = fields[0];
  const startTime = fields[19];
  if (!state || !startTime || !isDigits(startTime)) return null;
  return { state, startTime };
}

/** Zombies (Z) and dead tasks (X) have finished: they no longer count as a container. */
function finished(state: string): boolean {
  return state === 'Z' || state === 'X' || state === 'x';
}

/** The start time of a live (not zombie) process, or null when there is none. */
export function readStartTime(pid: number, proc: ProcReader = liveProc): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const text = proc.stat(pid);
  if (text === null) return null;
  const st = parseProcStat(text);
  if (!st || finished(st.state)) return null;
  return st.startTime;
}

/** Whether the recorded init is still the same live process. */
export function initAlive(st: Pick<StoredState, 'pid' | 'pidStartTime'>, proc: ProcReader = liveProc): boolean {
  const now = readStartTime(st.pid, proc);
  return now !== null && now === st.pidStartTime;
}

export function deriveStatus(st: Pick<StoredState, 'pid' | 'pidStartTime'>, fifoExists: boolean, proc: ProcReader = liveProc): Status {
  if (!initAlive(st, proc)) return 'stopped';
  return fifoExists ? 'created' : 'running';
}

export interface StatusProbe {
  proc: ProcReader;
  exists(path: string): boolean;
}

export const liveProbe: StatusProbe = { proc: liveProc, exists: (p) => io().exists(p) };

/** The status of a stored container whose exec fifo would be at `fifoPath`. */
export function containerStatus(st: Pick<StoredState, 'pid' | 'pidStartTime'>, fifoPath: string, probe: StatusProbe = liveProbe): Status {
  if (!initAlive(st, probe.proc)) return 'stopped'; // no fifo lookup for stopped containers
  return probe.exists(fifoPath) ? 'created' : 'running';
}
