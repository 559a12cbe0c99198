// Every wait on the container's child is bounded: a child that stops answering (stuck in a
// mount, or frozen by someone meanwhile) must not hang create forever. The bound applies to the
// child's own work between two sync messages; the time the parent spends on hooks (each with
// its own timeout) or idmapped mounts is not a wait on the child and is not counted.

import { LaunchError } from '../errors.js';
import type { NativeAddon, SyncMessage } from '../sys/native.js';

/** Generous: the child's steps between two messages take milliseconds on a healthy host. */
const DEFAULT_SECONDS = 60;

/** The bound in milliseconds: BERTH_CHILD_TIMEOUT (seconds, may be fractional) or 60 s. */
export function childTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.BERTH_CHILD_TIMEOUT;
  const seconds = text === undefined || text === '' ? DEFAULT_SECONDS : Number(text);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : DEFAULT_SECONDS * 1000;
}

/** The child's next message; null when it died. Throws a LaunchError when it stopped answering. */
export function receiveFromChild(addon: NativeAddon, syncFd: number, timeoutMs = childTimeoutMs()): SyncMessage | null {
  try {
    return addon.syncRecv(syncFd, timeoutMs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw err;
    throw new LaunchError(
      `the container process did not answer for ${timeoutMs / 1000} s (stuck, or its cgroup frozen meanwhile): it was killed (BERTH_CHILD_TIMEOUT sets the bound)`,
      0,
    );
  }
}

/** Reaps a child, waiting at most timeoutMs; false when it is still there (berth exits anyway). */
export async function reapWithin(addon: NativeAddon, pid: number, timeoutMs = childTimeoutMs()): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([addon.waitPid(pid).then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
