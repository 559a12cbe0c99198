// `berth run` in the foreground with process.terminal and no --console-socket: berth keeps the
// pty master itself and copies between it and its own stdio, as runc does. The caller's
// terminal (if stdin is one) is put in raw mode meanwhile, so keys such as ^C reach the
// container's terminal instead of berth, and its size follows the caller's (SIGWINCH).
//
// Only after create returned: the container's stdio is the pty by then, so touching berth's
// own stdio streams cannot change anything under the container.

import { nodeFs } from '../sys/node-fs.js';
import tty from 'node:tty';
import type { NativeAddon } from '../sys/native.js';

export interface ConsoleProxy {
  /** Copies the caller's terminal size to the pty (no-op when stdout is not a terminal). */
  resize(): void;
  /** After the init exited: waits (bounded) for the output to drain, restores the terminal, closes the master. */
  finish(drainMs?: number): Promise<void>;
}

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += nodeFs().writeSync(fd, data, off, data.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      return; // our stdout is gone: drop the output, the container goes on
    }
  }
}

export function proxyConsole(addon: NativeAddon, master: number, keepSize: boolean): ConsoleProxy {
  let closed = false;

  // pty -> stdout, on the event loop (a blocking read would hold a threadpool thread, which
  // Bun shares with waitPid: the input could then wait for the container to exit). The
  // stream makes the master non-blocking and ends with EIO once the pty's last user is gone.
  let drained!: () => void;
  const outputDone = new Promise<void>((resolve) => (drained = resolve));
  const out = new tty.ReadStream(master);
  out.on('data', (chunk: Buffer) => writeAll(1, chunk));
  out.on('error', () => undefined); // EIO: the container side closed
  out.on('close', () => drained());

  // stdin -> pty, in order; a full pty (EAGAIN) is retried shortly, never blocking the loop.
  const stdin = process.stdin;
  const raw = !!stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  const pending: Buffer[] = [];
  let retry: NodeJS.Timeout | undefined;
  const flush = (): void => {
    retry = undefined;
    while (!closed && pending.length) {
      const chunk = pending[0]!;
      let n: number;
      try {
        n = nodeFs().writeSync(master, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          retry = setTimeout(flush, 10);
          return;
        }
        pending.length = 0; // the pty is gone
        return;
      }
      if (n < chunk.length) pending[0] = chunk.subarray(n);
      else pending.shift();
    }
  };
  const onData = (chunk: Buffer) => {
    pending.push(chunk);
    if (!retry) flush();
  };
  stdin.on('data', onData);
  stdin.on('error', () => undefined);

  const resize = (): void => {
    const o = process.stdout;
    if (closed || !o.isTTY || !o.columns || !o.rows) return;
    try {
      addon.setWinsize(master, o.rows, o.columns);
    } catch {
      // the pty is gone
    }
  };
  if (!keepSize) resize();

  return {
    resize,
    async finish(drainMs = 2000) {
      await Promise.race([outputDone, new Promise((r) => setTimeout(r, drainMs))]);
      closed = true;
      if (retry) clearTimeout(retry);
      stdin.off('data', onData);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      out.destroy(); // closes the master
    },
  };
}
