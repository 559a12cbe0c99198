// `delete`: remove a stopped (or, as runc does, a never-started created) container; with
// --force kill it first. poststop hooks run and only warn. Nothing is left behind: no
// process, cgroup or state directory.

import { cgroupPlacementFromRecord } from '../cgroups/placement.js';
import { ContainerNotFound, InvalidState } from '../errors.js';
import { faultPoint } from '../faults.js';
import { withContainerLock } from '../state/lock.js';
import { StateStore } from '../state/store.js';
import { killAll, waitGone } from './processes.js';
import { hookState } from './hook-state.js';
import { native } from '../sys/addon.js';
import { detachRootfsBind } from './shared-mount-ns.js';
import { removeHalfCreated } from './half-created.js';
import { statusOf } from './status.js';
import { phase } from '../profile.js';

export interface DeleteOptions {
  /**
   * The caller (`run`) made this container and saw its record: skip the look outside the lock
   * (which only tells a half-created directory from a container), read state.json under it.
   */
  recorded?: boolean;
}

export async function deleteContainer(root: string, id: string, force: boolean, warn: (msg: string) => void, opts: DeleteOptions = {}): Promise<void> {
  const store = new StateStore(root);
  try {
    if (!opts.recorded) store.mustHaveState(id);
    await deleteLocked(store, id, force, warn);
  } catch (err) {
    if (force && err instanceof ContainerNotFound) {
      // What a create killed half-way left; a create still running is an error ("still being created").
      removeHalfCreated(store, id);
      return; // containerd relies on this
    }
    throw err;
  }
}

async function deleteLocked(store: StateStore, id: string, force: boolean, warn: (msg: string) => void): Promise<void> {
  await withContainerLock(store, id, async () => {
    faultPoint('delete.locked');
    const st = store.read(id);
    const status = statusOf(store, st);
    if ((status === 'running' || status === 'paused') && !force) {
      throw new InvalidState(`cannot delete container ${id} that is not stopped: ${status}`);
    }
    phase('delete: state read, status known');
    const cgroup = cgroupPlacementFromRecord(st.cgroup);
    if (status !== 'stopped') {
      // A created container was never started: runc deletes it without --force, and
      // containerd's shim depends on that (docs/ARCHITECTURE.md, deviations).
      killAll([st.pid, ...cgroup.pids()]);
      // A frozen task only acts on SIGKILL once thawed (v1 freezer): thaw after signalling,
      // so nothing runs user code in between.
      if (status === 'paused') cgroup.thaw();
      await waitGone(st.pid);
    }
    // A stopped container's cgroups are normally empty: one rmdir each removes them (as runc
    // does), and a cgroup that could be removed held no process. Poststop hooks run while the
    // cgroups still exist, so a container with hooks keeps the order below.
    const removed = status === 'stopped' && !st.hooks?.poststop?.length && cgroup.removeIfEmpty();
    // Stragglers that outlived a pid-namespace-less init.
    if (!removed) killAll(cgroup.pids());
    faultPoint('delete.processes-killed');
    if (st.rootfsMountBelow !== undefined) detachRootfsBind(native(), st.rootfs, st.rootfsMountBelow);
    faultPoint('delete.hook-poststop');
    if (st.hooks?.poststop?.length) {
      // node:child_process only when there is a hook to run: most deletes have none.
      const { runHostHooks } = await import('../hooks/run.js');
      runHostHooks('poststop', st.hooks.poststop, JSON.stringify(hookState(st, id, st.pid, st.bundle, 'stopped')), warn);
    }
    phase('delete: processes gone, poststop hooks');
    if (!removed) cgroup.destroy();
    faultPoint('delete.cgroup-destroyed');
    phase('delete: cgroups removed');
    store.remove(id);
  });
}
