// Status is derived, never trusted: the init must be alive (not a zombie) and have the start
// time recorded at create, so a reused pid never counts as the container.

import fs from 'node:fs';
import type { StoredState } from './types.js';

export interface ProcReader {
  /** contents of /proc/<pid>/stat, or null when there is no such process */
  stat(pid: number): string | null;
}

export const liveProc: ProcReader = {
  stat(pid: number): string | null {
    try {
      return fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return null;
    }
  },
};

/** Fields after the command name, which may itself contain spaces and parentheses. */
function fieldsAfterComm(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Field 22 (starttime), or null when the process is gone or a zombie. */
export function readStartTime(pid: number, proc: ProcReader = liveProc): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const stat = proc.stat(pid);
  if (!stat) return null;
  const f = fieldsAfterComm(stat); // f[0] is field 3 (state)
  if (f[0] === 'Z' || f[0] === 'X') return null;
  return f[19] ?? null;
}

export function deriveStatus(st: StoredState, fifoExists: boolean, proc: ProcReader = liveProc): 'created' | 'running' | 'stopped' {
  if (readStartTime(st.pid, proc) !== st.pidStartTime) return 'stopped';
  return fifoExists ? 'created' : 'running';
}
