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

/**
 * Installs the handlers now. `target` may not be known yet (exec installs them before its
 * process exists, so no signal can kill berth meanwhile): signals that arrive before then are
 * held and delivered by `flush` once it is.
 */
export function forwardSignals(target: number | (() => number), proxy?: () => ConsoleProxy | undefined): Forwarding & { flush(): void } {
  const pidOf = typeof target === 'number' ? () => target : target;
  const held: NodeJS.Signals[] = [];
  const send = (sig: NodeJS.Signals) => {
    // With berth's own pty the kernel tells the process about size changes.
    const p = proxy?.();
    if (sig === 'SIGWINCH' && p) return p.resize();
    const pid = pidOf();
    if (!pid) {
      held.push(sig);
      return;
    }
    try {
      process.kill(pid, sig);
    } catch {
      // gone already
    }
  };
  for (const sig of FORWARDED) process.on(sig, send);
  return {
    send,
    flush: () => held.splice(0).forEach(send),
    stop: () => FORWARDED.forEach((sig) => process.off(sig, send)),
  };
}

export function exitCodeOf(status: ExitStatus): number {
  return status.code ?? 128 + (status.signal ?? 0);
}
