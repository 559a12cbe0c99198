// `start`: release the init parked on the exec fifo. Opening the fifo for reading unblocks
// the child's open(O_WRONLY); its "0" byte says it is about to run startContainer hooks and
// exec the user program. poststart hooks run afterwards and only warn on failure.

import fs from 'node:fs';
import { BerthError, InvalidState } from '../errors.js';
import { runHostHooks } from '../hooks/run.js';
import { withContainerLock } from '../state/lock.js';
import { readStartTime } from '../state/status.js';
import { StateStore } from '../state/store.js';
import { hookState } from './hook-state.js';
import { statusOf } from './status.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startContainer(root: string, id: string, warn: (msg: string) => void): Promise<void> {
  const store = new StateStore(root);
  await withContainerLock(store, id, async () => {
    const st = store.read(id);
    const status = statusOf(store, st);
    if (status === 'stopped') throw new InvalidState('cannot start a container that has stopped');
    if (status === 'running') throw new InvalidState('cannot start an already running container');
    if (!st.startable) throw new BerthError('cannot start container: config.json has no process to run (process.args is required at start)');
    await releaseInit(store.fifoPath(id), st.pid, st.pidStartTime);
    // The fifo's absence is what marks the container running (state/status.ts).
    fs.unlinkSync(store.fifoPath(id));
    const running = JSON.stringify(hookState(st, id, st.pid, st.bundle, 'running'));
    runHostHooks('poststart', st.hooks?.poststart, running, warn);
  });
}

async function releaseInit(fifo: string, pid: number, startTime: string): Promise<void> {
  // Non-blocking, so a dead init cannot hang `start`: poll until the "0" arrives.
  const fd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(1);
    for (let waited = 0; ; waited++) {
      let n = 0;
      try {
        n = fs.readSync(fd, buf, 0, 1, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      }
      if (n === 1) return;
      if (readStartTime(pid) !== startTime) throw new InvalidState('cannot start a container that has stopped');
      if (waited > 10_000) throw new BerthError('the container process did not answer start');
      await sleep(waited < 100 ? 0 : 1);
    }
  } finally {
    fs.closeSync(fd);
  }
}
