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

/**
 * Waits (bounded) for a process that is not our child to disappear. The poll backs off from
 * 2 ms to 20 ms: a killed container init takes as long as the kernel needs to tear down its
 * namespaces (milliseconds here, far longer under emulation), and a fixed 2 ms poll spent that
 * time competing for the CPU with the exit it waits for.
 */
export async function waitGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 20)) {
    const st = readStartTime(pid);
    if (st === null) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, delay));
  }
}
