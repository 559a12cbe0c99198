// `start`: release the init parked on the exec fifo by writing the byte it waits for; it then
// runs startContainer hooks and execs the user program. poststart hooks run afterwards and
// only warn on failure.

import fs from 'node:fs';
import { BerthError, InvalidState } from '../errors.js';
import { runHostHooks } from '../hooks/run.js';
import { withContainerLock } from '../state/lock.js';
import { StateStore } from '../state/store.js';
import { native } from '../sys/addon.js';
import { hookState } from './hook-state.js';
import { statusOf } from './status.js';

export async function startContainer(root: string, id: string, warn: (msg: string) => void): Promise<void> {
  const store = new StateStore(root);
  await withContainerLock(store, id, async () => {
    const st = store.read(id);
    const status = statusOf(store, st);
    if (status === 'stopped') throw new InvalidState('cannot start a container that has stopped');
    if (status === 'running') throw new InvalidState('cannot start an already running container');
    if (!st.startable) throw new BerthError('cannot start container: config.json has no process to run (process.args is required at start)');
    releaseInit(store.fifoPath(id));
    // The fifo's absence is what marks the container running (state/status.ts).
    fs.unlinkSync(store.fifoPath(id));
    const running = JSON.stringify(hookState(st, id, st.pid, st.bundle, 'running'));
    runHostHooks('poststart', st.hooks?.poststart, running, warn);
  });
}

/**
 * The parked init holds the fifo open for reading. A non-blocking open for writing fails with
 * ENXIO when no reader is left, so a dead init can never hang `start`.
 */
function releaseInit(fifo: string): void {
  let fd: number;
  const addon = native();
  try {
    fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') throw new InvalidState('cannot start a container that has stopped');
    throw err;
  }
  try {
    fs.writeSync(fd, '0');
    // poststart hooks run after the user process is executed (runtime.md): the init holds
    // the fifo until execve closes it, startContainer hooks included.
    addon.waitHangup(fd, -1);
  } finally {
    fs.closeSync(fd);
  }
}
