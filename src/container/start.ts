// `start`: release the init parked on the exec fifo by writing the byte it waits for; it then
// runs startContainer hooks and execs the user program, and poststart hooks run afterwards.
// A failing startContainer or poststart hook (or a failing execve) makes `start` fail and
// leaves the container stopped, for `delete` to destroy (runtime.md lifecycle, steps 7 and 9).

import { io, O_CLOEXEC, O_NONBLOCK, O_RDONLY, O_WRONLY } from '../sys/io.js';
import { BerthError, InvalidState } from '../errors.js';
import { faultPoint } from '../faults.js';
import { cgroupPlacementFromRecord } from '../cgroups/placement.js';
import { withContainerLock, type ContainerLock } from '../state/lock.js';
import { StateStore } from '../state/store.js';
import type { StoredState } from '../state/types.js';
import { native } from '../sys/addon.js';
import { killAll, waitGone } from './processes.js';
import { hookState } from './hook-state.js';
import { statusOf } from './status.js';
import { phase } from '../profile.js';

/** What `run` hands over from create: the lock it still holds and the record it wrote under it. */
export interface HeldContainer {
  lock: ContainerLock;
  state: StoredState;
}

/**
 * Starts the container: under its lock, from state.json; or, from `run`, under the lock create
 * kept (`held`, released here), with the record create wrote: nobody can have changed it since.
 */
export async function startContainer(root: string, id: string, warn: (msg: string) => void, held?: HeldContainer): Promise<void> {
  const store = new StateStore(root);
  if (!held) {
    await withContainerLock(store, id, () => startLocked(store, id, store.read(id), warn));
    return;
  }
  try {
    await startLocked(store, id, held.state, warn);
  } finally {
    held.lock.release();
  }
}

async function startLocked(store: StateStore, id: string, st: StoredState, warn: (msg: string) => void): Promise<void> {
  faultPoint('start.locked');
  const status = statusOf(store, st);
  phase('start: state read, status known');
  if (status === 'stopped') throw new InvalidState('cannot start a container that has stopped');
  if (status === 'running') throw new InvalidState('cannot start an already running container');
  if (status === 'paused') throw new InvalidState('cannot start a container in the paused state');
  if (!st.startable) throw new BerthError('cannot start container: config.json has no process to run (process.args is required at start)');
  const failure = releaseInit(store.fifoPath(id));
  // The fifo's absence is what marks the container running (state/status.ts).
  io().unlink(store.fifoPath(id));
  phase('start: init released, program executed');
  faultPoint('start.fifo-removed');
  if (failure) {
    await stop(st);
    throw new BerthError(`the container process failed before running the program, and is stopped: ${failure}`);
  }
  const running = JSON.stringify(hookState(st, id, st.pid, st.bundle, 'running'));
  try {
    faultPoint('start.hook-poststart');
    // The hook runner only when there are hooks: `start` is in the first entry point, whose
    // commands load no node:child_process they do not use (docs/ARCHITECTURE.md, "Speed").
    if (st.hooks?.poststart?.length) {
      const { runHostHooks } = await import('../hooks/run.js');
      runHostHooks('poststart', st.hooks.poststart, running, warn);
    }
  } catch (err) {
    await stop(st);
    throw new BerthError(`${(err as Error).message}; the container is stopped`);
  }
}

/** Stops every process of the container; `delete` then destroys it and runs poststop hooks. */
async function stop(st: StoredState): Promise<void> {
  killAll([st.pid, ...cgroupPlacementFromRecord(st.cgroup).pids()]);
  await waitGone(st.pid);
}

/**
 * The parked init holds the fifo open (read and write). A non-blocking open for writing fails
 * with ENXIO when no reader is left, so a dead init can never hang `start`. After the byte is
 * written, our own read end turns POLLHUP once the init's fd is gone: closed by execve, or by
 * an exit after a failure, which the init reports into the fifo first ("E" and the reason).
 * Returns that reason, or undefined when the program was executed.
 */
function releaseInit(fifo: string): string | undefined {
  const addon = native();
  let w: number;
  try {
    w = io().open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') throw new InvalidState('cannot start a container that has stopped');
    throw err;
  }
  const r = io().open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  try {
    try {
      io().write(w, '0');
    } finally {
      io().close(w);
    }
    faultPoint('start.fifo-written');
    // poststart hooks run after the user process is executed (runtime.md): the init holds
    // the fifo until execve closes it, startContainer hooks included.
    addon.waitHangup(r, -1);
    let text = '';
    try {
      text = io().readFd(r, 4096);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
    if (text.startsWith('E')) return text.slice(1).trim();
    if (text.startsWith('0')) return 'it exited before it took the start signal';
    return undefined;
  } finally {
    io().close(r);
  }
}
