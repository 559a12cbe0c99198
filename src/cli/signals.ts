// Signal names and numbers for `kill`. Engines send numbers ("kill ID 15"); people write
// "TERM", "SIGTERM", "sigterm" or "9". The table is Linux's generic numbering (x86_64,
// arm64 and most others), kept here rather than taken from the JavaScript runtime so the
// compiled executable and Node agree. Real-time signals: RTMIN (34, after the two glibc
// reserves), RTMIN+n, RTMAX-n, RTMAX (64).

import { BerthError } from '../errors.js';
import { isDigits } from '../sys/chars.js';

export const SIGNALS: Readonly<Record<string, number>> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7,
  SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14,
  SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17, SIGCLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20,
  SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27,
  SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31,
};

export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

function unknown(text: string): BerthError {
  return new BerthError(`unknown signal ${JSON.stringify(text)}: give a name such as TERM, SIGKILL or usr1, or a number from 0 to ${SIGRTMAX}`);
}

function realTime(name: string): number | undefined {
  const m = /^SIGRT(MIN|MAX)(?:([+-])(\d+))?$/.exec(name);
  if (!m) return undefined;
  const base = m[1] === 'MIN' ? SIGRTMIN : SIGRTMAX;
  const offset = m[3] === undefined ? 0 : Number(m[3]);
  if ((m[1] === 'MIN' && m[2] === '-') || (m[1] === 'MAX' && m[2] === '+')) return undefined;
  const n = m[2] === '-' ? base - offset : base + offset;
  return n >= SIGRTMIN && n <= SIGRTMAX ? n : undefined;
}

/** "15", "TERM", "SIGTERM", "sigterm", "RTMIN+3" -> the signal number; anything else throws. */
export function parseSignal(text: string): number {
  const trimmed = text.trim();
  if (isDigits(trimmed)) {
    const n = Number(trimmed);
    // 0 checks that the process exists, as kill(2) defines it; runc passes it on too.
    if (n <= SIGRTMAX) return n;
    throw unknown(text);
  }
  const upper = trimmed.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const n = SIGNALS[name] ?? realTime(name);
  if (n === undefined) throw unknown(text);
  return n;
}

/** The conventional name of a signal number, for messages ("SIGTERM", "SIGRTMIN+2", "signal 0"). */
export function signalName(n: number): string {
  const preferred = Object.entries(SIGNALS).find(([name, v]) => v === n && !['SIGIOT', 'SIGCLD', 'SIGPOLL'].includes(name));
  if (preferred) return preferred[0];
  if (n >= SIGRTMIN && n <= SIGRTMAX) return n === SIGRTMIN ? 'SIGRTMIN' : `SIGRTMIN+${n - SIGRTMIN}`;
  return `signal ${n}`;
}
