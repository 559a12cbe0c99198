// `run`: create + start, then wait for the init as its (sub)reaper, forwarding signals, and
// exit with its status (128 + signal when killed, like a shell). The container is deleted
// afterwards unless --keep; --detach returns right after start.

import { faultPoint } from '../faults.js';
import { native } from '../sys/addon.js';
import type { ConsoleProxy } from './console-proxy.js';
import { createContainer, type CreateOptions } from './create.js';
import { deleteContainer } from './delete.js';
import { exitCodeOf, forwardSignals } from './foreground.js';
import { startContainer } from './start.js';
import { phase } from '../profile.js';

export interface RunOptions extends CreateOptions {
  detach: boolean;
  keep: boolean;
}

export async function runContainer(o: RunOptions): Promise<number> {
  const addon = native();
  // The init may be a grandchild (after the child forks into a pid namespace): become its reaper.
  if (!o.detach) addon.setChildSubreaper();
  // In the foreground without --console-socket, a terminal's pty master stays with berth.
  // create keeps the container lock for start: no one can change the container in between, so
  // start takes the record create wrote instead of locking and reading state.json again.
  const { consoleFd, consoleSized, pid, state, lock } = await createContainer({ ...o, consoleProxy: !o.detach && !o.consoleSocket, keepLock: true });
  const held = { lock: lock!, state };
  faultPoint('run.created');
  if (o.detach) {
    await startContainer(o.root, o.id, o.warn, held);
    return 0;
  }
  const exited = addon.waitPid(pid);
  let proxy: ConsoleProxy | undefined;
  // node:tty (~6 ms of CPU to load in the executable) only when there is a pty to proxy.
  if (consoleFd >= 0) proxy = (await import('./console-proxy.js')).proxyConsole(addon, consoleFd, consoleSized);
  const forwarding = forwardSignals(pid, () => proxy);
  try {
    await startContainer(o.root, o.id, o.warn, held);
    phase('started');
  } catch (err) {
    forwarding.send('SIGKILL');
    await exited;
    await proxy?.finish(0);
    await deleteContainer(o.root, o.id, true, o.warn, { recorded: true });
    throw err;
  }
  faultPoint('run.started');
  const status = await exited;
  phase('container exited (wait)');
  faultPoint('run.exited');
  forwarding.stop();
  await proxy?.finish();
  if (!o.keep) await deleteContainer(o.root, o.id, true, o.warn, { recorded: true });
  phase('deleted');
  return exitCodeOf(status);
}
