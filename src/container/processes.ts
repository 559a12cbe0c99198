// Ending a container's processes, shared by create (undo), start (a failed start) and delete.

import { readStartTime } from '../state/status.js';

/** SIGKILL to each pid (0 and repeats skipped); a process already gone is fine. */
export function killAll(pids: readonly number[]): void {
  for (const pid of new Set(pids)) {
    if (!pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Waits (bounded) for a process that is not our child to disappear. */
export async function waitGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = readStartTime(pid);
    if (st === null) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
}
