// `pause` and `resume`: freeze and thaw every process of a container through its cgroup
// driver (v1 freezer, v2 cgroup.freeze). Nothing is stored: "paused" is read back from the
// freezer by status.ts. The semantics are runc's: a created or running container can be
// paused, anything else is "container not running"; only a paused one can be resumed.

import { cgroupManagerFromRecord } from '../cgroups/index.js';
import { ContainerNotRunning, InvalidState } from '../errors.js';
import { withContainerLockSync } from '../state/lock.js';
import { StateStore } from '../state/store.js';
import { statusOf } from './status.js';

export function pauseContainer(root: string, id: string): void {
  const store = new StateStore(root);
  store.read(id); // a missing container is "does not exist", before any lock file is made
  withContainerLockSync(store, id, () => {
    const st = store.read(id);
    const status = statusOf(store, st);
    if (status !== 'running' && status !== 'created') throw new ContainerNotRunning(id);
    cgroupManagerFromRecord(st.cgroup).freeze();
  });
}

export function resumeContainer(root: string, id: string): void {
  const store = new StateStore(root);
  store.read(id);
  withContainerLockSync(store, id, () => {
    const st = store.read(id);
    if (statusOf(store, st) !== 'paused') throw new InvalidState('container not paused');
    cgroupManagerFromRecord(st.cgroup).thaw();
  });
}
