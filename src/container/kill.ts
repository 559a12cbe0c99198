// `kill`: signal the init, or with --all every process in the container's cgroup. As with runc,
// --all also works on a stopped container (containerd's shim uses it to end what outlived the
// init; an empty or removed cgroup is simply nothing to signal), while a plain kill of a
// stopped container is an error: its recorded pid may belong to someone else by now.

import { ContainerNotRunning } from '../errors.js';
import { cgroupManagerFromRecord } from '../cgroups/index.js';
import { StateStore } from '../state/store.js';
import { statusOf } from './status.js';

export function killContainer(root: string, id: string, signal: number, all: boolean): void {
  const store = new StateStore(root);
  const st = store.read(id);
  const status = statusOf(store, st);
  if (!all && status === 'stopped') throw new ContainerNotRunning(id);
  if (all) {
    for (const pid of cgroupManagerFromRecord(st.cgroup).pids()) signalQuietly(pid, signal);
  } else {
    process.kill(st.pid, signal);
  }
  // Other signals to a paused container wait, queued, for resume (as with runc); SIGKILL is
  // meant to end it now, and a frozen task only dies once thawed.
  if (status === 'paused' && signal === SIGKILL) cgroupManagerFromRecord(st.cgroup).thaw();
}

const SIGKILL = 9;

function signalQuietly(pid: number, signal: number): void {
  try {
    process.kill(pid, signal);
  } catch {
    // exited meanwhile
  }
}
