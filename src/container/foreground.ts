// A process berth waits for in the foreground (`run`'s init, `exec`'s process): the signals
// berth gets go on to it, a proxied terminal follows berth's size, and its end becomes berth's
// exit status the way a shell reports it (128 + N when signal N killed it).

import type { ExitStatus } from '../sys/native.js';
import type { ConsoleProxy } from './console-proxy.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

export interface Forwarding {
  /** sends sig to the process (a proxied terminal's SIGWINCH resizes the pty instead) */
  send(sig: NodeJS.Signals): void;
  stop(): void;
}

export function forwardSignals(pid: number, proxy?: ConsoleProxy): Forwarding {
  const send = (sig: NodeJS.Signals) => {
    // With berth's own pty the kernel tells the process about size changes.
    if (sig === 'SIGWINCH' && proxy) return proxy.resize();
    try {
      process.kill(pid, sig);
    } catch {
      // gone already
    }
  };
  for (const sig of FORWARDED) process.on(sig, send);
  return { send, stop: () => FORWARDED.forEach((sig) => process.off(sig, send)) };
}

export function exitCodeOf(status: ExitStatus): number {
  return status.code ?? 128 + (status.signal ?? 0);
}
