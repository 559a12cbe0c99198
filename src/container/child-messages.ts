// The parent's side of the sync protocol as a table: one handler per message (SyncMsg) the
// child may send. create and exec share the handlers for the messages both see (Error, Pid,
// ConsoleFd, SeccompFd) and add their own (create: CreateHooks, IdmapMount, Ready).

import { LaunchError } from '../errors.js';
import type { LaunchPlan } from '../plan/ops.js';
import type { Spec } from '../spec/types.js';
import type { NativeAddon, SyncMessage } from '../sys/native.js';
import { SyncMsg } from '../sys/sync.js';
import { receiveFromChild } from './child-wait.js';
import { containerProcessState, sendConsole, sendToSeccompListener } from './fd-passing.js';
import { launchError } from './launch-error.js';
import { phase } from '../profile.js';

/** 'done' ends the walk; anything else waits for the next message. */
export type SyncHandler = (msg: SyncMessage) => void | 'done' | Promise<void | 'done'>;
export type SyncHandlers = Partial<Record<SyncMsg, SyncHandler>>;

/**
 * Reads the child's messages and runs their handlers until one says 'done'. A descriptor that
 * came with a message goes into `fds` (the caller's list of things to close) first. When the
 * child's end closes, `onEnd` decides: create treats it as a failure, exec as the execve.
 */
export async function walkChildMessages(
  addon: NativeAddon,
  syncFd: number,
  handlers: SyncHandlers,
  fds: number[],
  onEnd: () => void,
): Promise<void> {
  for (;;) {
    const msg = receiveFromChild(addon, syncFd);
    phase(`sync message ${msg ? msg.type : 'end'} received`);
    if (!msg) return onEnd();
    if (msg.fd >= 0) fds.push(msg.fd); // closed by the caller, unless a handler takes it
    const handler = handlers[msg.type as SyncMsg];
    if (!handler) throw new LaunchError(`unexpected message ${msg.type} from the container process`, 0);
    if ((await handler(msg)) === 'done') return;
  }
}

export interface CommonHandlerContext {
  addon: NativeAddon;
  plan: LaunchPlan;
  spec: Spec;
  id: string;
  bundle: string;
  /** connected --console-socket, or -1 (then the master goes to onConsole) */
  consoleSocketFd: number;
  consoleSocket?: string;
  /** the pid the child reported after forking (SyncMsg.Pid) */
  onPid(pid: number): void;
  /** the pty master, when no console socket takes it (the caller then owns the fd) */
  onConsole(fd: number): void;
  /** what the plan's JSON paths point into, for error messages (default config.json) */
  source?: string;
  /** the process a seccomp agent is told about */
  pid(): number;
}

/**
 * Error, Pid, ConsoleFd and SeccompFd: the same for every process the child starts. A first
 * stage that loads the filter before its fork (without no_new_privs: plan/exec.ts and
 * plan/build.ts) sends the listener fd before the pid: the agent is told about the process
 * once its pid is known.
 */
export function commonHandlers(c: CommonHandlerContext): SyncHandlers {
  let heldSeccompFd: SyncMessage | undefined;
  const handOnSeccompFd = (msg: SyncMessage) =>
    sendToSeccompListener(c.addon, c.spec, msg.fd, containerProcessState(c.spec, c.id, c.pid(), c.bundle));
  return {
    [SyncMsg.Error]: (msg) => {
      throw launchError(c.plan, msg, c.addon, c.source);
    },
    [SyncMsg.Pid]: (msg) => {
      c.onPid(msg.value);
      const held = heldSeccompFd;
      heldSeccompFd = undefined;
      if (held) return handOnSeccompFd(held);
    },
    [SyncMsg.ConsoleFd]: (msg) => {
      if (msg.fd < 0) throw new LaunchError('the container process sent no terminal with its console message', 0);
      if (c.consoleSocketFd >= 0) sendConsole(c.addon, c.consoleSocketFd, c.consoleSocket!, msg.fd, msg.payload);
      else c.onConsole(msg.fd);
    },
    [SyncMsg.SeccompFd]: (msg) => {
      if (msg.fd < 0) throw new LaunchError('the container process sent no descriptor with its seccomp message', 0);
      if (c.pid()) return handOnSeccompFd(msg);
      heldSeccompFd = msg;
    },
  };
}
