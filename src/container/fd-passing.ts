// The runtime's side of the descriptors the child hands over the sync socket: the pty master
// (process.terminal), passed on to --console-socket, and the seccomp notify fd, passed on with
// the container process state to linux.seccomp.listenerPath. Both leave through the addon's
// sendFd (one sendmsg with SCM_RIGHTS), as runc sends them.

import { BerthError, ConfigError } from '../errors.js';
import type { Spec } from '../spec/types.js';
import type { NativeAddon } from '../sys/native.js';
import { hookState } from './hook-state.js';

/**
 * runc's rules (checkTerminal in runc's utils_linux.go), in berth's words: a terminal needs
 * somewhere to go, and a console socket needs a terminal. `proxy` is `berth run` in the
 * foreground, which can keep the master itself. Unlike runc, a foreground `run` also accepts
 * --console-socket (and then waits for the container, the pty going to the socket).
 */
export function checkConsoleOptions(spec: Spec, consoleSocket: string | undefined, proxy: boolean): void {
  const terminal = !!spec.process?.terminal;
  if (terminal && !consoleSocket && !proxy) {
    throw new BerthError('cannot allocate tty if berth will detach without setting console socket (config.json /process/terminal is true: pass --console-socket PATH)');
  }
  if (!terminal && consoleSocket) {
    throw new BerthError('cannot use console socket if berth will not allocate tty (config.json /process/terminal is not true)');
  }
}

/** Connects to --console-socket (right after the clone, so the child never inherits the connection). */
export function connectConsoleSocket(addon: NativeAddon, socketPath: string): number {
  try {
    return addon.connectUnix(socketPath);
  } catch (err) {
    throw new BerthError(`--console-socket ${socketPath}: ${(err as Error).message}`);
  }
}

/** Sends the pty master, with its name as the message data (as runc does), to the console socket. */
export function sendConsole(addon: NativeAddon, socketFd: number, socketPath: string, masterFd: number, name: Buffer): void {
  try {
    addon.sendFd(socketFd, masterFd, name.length ? name : Buffer.from('/dev/pts/ptmx'));
  } catch (err) {
    throw new BerthError(`--console-socket ${socketPath}: cannot send the terminal: ${(err as Error).message}`);
  }
}

/** runtime-spec "containerProcessState": what a seccomp agent receives with the notify fd. */
export function containerProcessState(spec: Spec, id: string, pid: number, bundle: string): Record<string, unknown> {
  return {
    ociVersion: '1.3.0',
    fds: ['seccompFd'],
    pid,
    metadata: spec.linux?.seccomp?.listenerMetadata ?? '',
    state: hookState(spec, id, pid, bundle, 'creating'),
  };
}

/**
 * Connects to listenerPath, sends the container process state with the notify fd attached in
 * one message, and closes the connection. Any failure fails create (runc does the same).
 */
export function sendToSeccompListener(addon: NativeAddon, spec: Spec, notifyFd: number, state: Record<string, unknown>): void {
  const listenerPath = spec.linux?.seccomp?.listenerPath ?? '';
  let sock = -1;
  try {
    sock = addon.connectUnix(listenerPath);
    addon.sendFd(sock, notifyFd, Buffer.from(JSON.stringify(state)));
  } catch (err) {
    throw new ConfigError('/linux/seccomp/listenerPath', `cannot hand the seccomp notify fd to the agent: ${(err as Error).message}`);
  } finally {
    if (sock >= 0) addon.close(sock);
  }
}
