// `kill`: signal the init, or with --all every process in the container's cgroup. As with runc,
// --all also works on a stopped container (containerd's shim uses it to end what outlived the
// init; an empty or removed cgroup is simply nothing to signal), while a plain kill of a
// stopped container is an error: its recorded pid may belong to someone else by now.
//
// kill takes the container's lock, so it never signals a pid that a concurrent delete has just
// reaped (and the kernel reused): the record and the init are read again under the lock. But
// kill must also stop a container whose start or delete hangs holding that lock (a
// startContainer or poststart hook that never returns, an init stuck in D state): runc has no
// cross-process lock at all and kill always gets through. So kill waits for the lock only a
// bounded time, then signals without it, after checking the init's start time as every
// command does. A container still being created has no state.json yet: it "does not exist",
// as with runc, without waiting for the create.

import { ContainerBusy, ContainerNotRunning } from '../errors.js';
import { cgroupPlacementFromRecord } from '../cgroups/placement.js';
import { faultPoint } from '../faults.js';
import { lockContainer, type ContainerLock } from '../state/lock.js';
import { StateStore } from '../state/store.js';
import { statusOf } from './status.js';

/** How long kill waits for a start or delete holding the lock before signalling without it. */
export const KILL_LOCK_PATIENCE_MS = 2000;

export function killContainer(root: string, id: string, signal: number, all: boolean): void {
  const store = new StateStore(root);
  store.mustHaveState(id); // ContainerNotFound (also while a create runs) before any waiting
  let lock: ContainerLock | undefined;
  try {
    lock = lockContainer(store, id, { patienceMs: KILL_LOCK_PATIENCE_MS });
  } catch (err) {
    if (!(err instanceof ContainerBusy)) throw err; // ContainerNotFound: deleted meanwhile
  }
  try {
    faultPoint('kill.locked');
    signalContainer(store, id, signal, all);
  } finally {
    lock?.release();
  }
}

function signalContainer(store: StateStore, id: string, signal: number, all: boolean): void {
  const st = store.read(id);
  const status = statusOf(store, st);
  if (!all && status === 'stopped') throw new ContainerNotRunning(id);
  if (all) {
    for (const pid of cgroupPlacementFromRecord(st.cgroup).pids()) signalQuietly(pid, signal);
  } else {
    process.kill(st.pid, signal);
  }
  // Other signals to a paused container wait, queued, for resume (as with runc); SIGKILL is
  // meant to end it now, and a frozen task only dies once thawed.
  if (status === 'paused' && signal === SIGKILL) cgroupPlacementFromRecord(st.cgroup).thaw();
}

const SIGKILL = 9;

function signalQuietly(pid: number, signal: number): void {
  try {
    process.kill(pid, signal);
  } catch {
    // exited meanwhile
  }
}
