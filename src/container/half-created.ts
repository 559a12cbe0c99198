// A container directory without state.json belongs to a create that is still running, or to
// one that was killed before it finished. create claims an id under the root's lock (making the
// directory and taking the container's lock in one step for everyone else) and holds the
// container's lock until it returns (its child drops its copy at once), so under the root's
// lock a container lock that can be taken means nobody is creating that container any more:
// the directory is a leftover, removed by `delete --force` or by a new create of the same id.
//
// Before making cgroups (or a host mount), create writes what it is about to make into
// creating.json; the leftover's processes (found through those cgroups), cgroups and mount are
// removed with it. A child that was not yet in the cgroups needs nothing: it waits on the sync
// socket, and ends when the dead create's end closes.

import { cgroupPlacementFromRecord } from '../cgroups/placement.js';
import { sleepSync } from '../cgroups/tree.js';
import { ContainerBusy, ContainerNotFound } from '../errors.js';
import { lockContainer, lockRoot } from '../state/lock.js';
import type { CreatingRecord, StateStore } from '../state/store.js';
import { native } from '../sys/addon.js';
import { killAll } from './processes.js';
import { detachRootfsBind } from './shared-mount-ns.js';

/** Removes a leftover half-created directory; false when there is none. Throws while a create runs. */
export function removeHalfCreated(store: StateStore, id: string): boolean {
  if (!store.hasDir(id) || store.hasState(id)) return false;
  const root = lockRoot(store);
  try {
    let lock;
    try {
      lock = lockContainer(store, id, { nonBlocking: true });
    } catch (err) {
      if (err instanceof ContainerNotFound) return false;
      throw new ContainerBusy(id, `container ${id} is still being created`);
    }
    try {
      if (store.hasState(id)) return false; // the create finished just before we took the lock
      const rec = store.readCreating(id);
      if (rec) undoCreating(rec);
      store.remove(id);
      return true;
    } finally {
      lock.release();
    }
  } finally {
    root.release();
  }
}

/** How long the leftover's processes get to leave its cgroups after SIGKILL. */
const KILL_ROUNDS = 50;

function undoCreating(rec: CreatingRecord): void {
  const cgroup = cgroupPlacementFromRecord(rec.cgroup);
  // A frozen task acts on SIGKILL only once thawed (v1 freezer).
  if (cgroup.isFrozen()) cgroup.thaw();
  // Forks may still be in flight: signal until the cgroups are empty (bounded).
  for (let round = 0; round < KILL_ROUNDS; round++) {
    const pids = cgroup.pids();
    if (!pids.length) break;
    killAll(pids);
    sleepSync(10);
  }
  if (rec.rootfs && rec.rootfsMountBelow !== undefined) detachRootfsBind(native(), rec.rootfs, rec.rootfsMountBelow);
  cgroup.destroy();
}
