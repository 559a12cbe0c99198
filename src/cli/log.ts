// The logger. Lines have runc's (logrus's) shapes:
//   json: {"level":"error","msg":"...","time":"2026-11-22T13:42:48Z"}
//   text: time="2026-11-22T13:42:48Z" level=error msg="..."
// With --log every line goes to that file, appended; the error that ends the command
// (fatal) also goes to stderr as one bare line, as runc prints it (runc does so during create
// too, where stderr may be the container's stderr pipe: engines then see the same line).
// Without --log lines go to stderr; in text format on a terminal they read `berth: ...`,
// the way logrus switches to a human form on a terminal. Debug lines only with --debug.
//
// Writes are synchronous writes to the fd: no stream objects, so stdio stays blocking for
// the container and nothing is lost at process.exit. They go through sys/io.ts (berth-io.node),
// not node:fs, which would cost every command ~10 ms of start-up.

import { rfc3339Seconds } from '../state/time.js';
import { io, O_APPEND, O_CLOEXEC, O_CREAT, O_WRONLY, S_IFCHR, S_IFMT } from '../sys/io.js';

export type Level = 'debug' | 'info' | 'warning' | 'error';
export type LogFormat = 'text' | 'json';

export interface Logger {
  error(msg: string): void;
  /** the error that ends the command: logged, and with --log also printed bare on stderr */
  fatal(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  readonly debugEnabled: boolean;
}

export interface LogOptions {
  /** --log */
  file?: string;
  format: LogFormat;
  debug: boolean;
  /** where stderr lines go (default: fd 2) */
  stderr?: (text: string) => void;
  /** whether stderr is a terminal (default: isatty(2)) */
  stderrIsTTY?: boolean;
  now?: () => Date;
}

/** logrus quotes a value unless every character is one of these. */
function needsQuoting(text: string): boolean {
  return text.length === 0 || !/^[A-Za-z0-9\-._/@^+]+$/.test(text);
}

function textValue(text: string): string {
  return needsQuoting(text) ? JSON.stringify(text) : text;
}

export function formatLine(level: Level, msg: string, format: LogFormat, time: Date): string {
  const t = rfc3339Seconds(time);
  if (format === 'json') return JSON.stringify({ level, msg, time: t }) + '\n';
  return `time=${textValue(t)} level=${level} msg=${textValue(msg)}\n`;
}

/** The terminal form: "berth: msg" for errors, "berth: warning: msg" for the rest. */
export function formatHuman(level: Level, msg: string): string {
  return level === 'error' ? `berth: ${msg}\n` : `berth: ${level}: ${msg}\n`;
}

function writeAll(fd: number, text: string): void {
  io().write(fd, text);
}

/** Writes to fd 2, ignoring a closed or broken stderr: there is nowhere else to report that. */
export function writeStderr(text: string): void {
  try {
    writeAll(2, text);
  } catch {
    // EPIPE / EBADF: the reader is gone
  }
}

/** Character-device majors of terminals: 4 (tty, ttyS), 5 (tty, console, ptmx), 136-143 (pts). */
export function isTerminalMajor(major: number): boolean {
  return major === 4 || major === 5 || (major >= 136 && major <= 143);
}

/**
 * isatty(2) without node:tty, whose import alone costs ~16 ms of startup in the compiled
 * executable: a character device with a terminal's major number (/dev/null is not one).
 */
function stderrIsTerminal(): boolean {
  try {
    const [mode, , , , rdev] = io().fstat(2);
    return (mode! & S_IFMT) === S_IFCHR && isTerminalMajor(Math.floor(rdev! / 256) & 0xfff);
  } catch {
    return false;
  }
}

export function createLogger(opts: LogOptions): Logger {
  const now = opts.now ?? (() => new Date());
  const stderr = opts.stderr ?? writeStderr;
  let fd: number | undefined;
  let fileFailed = false;
  let tty: boolean | undefined = opts.stderrIsTTY;

  const toStderr = (level: Level, msg: string) => {
    if (tty === undefined) tty = stderrIsTerminal();
    stderr(opts.format === 'text' && tty ? formatHuman(level, msg) : formatLine(level, msg, opts.format, now()));
  };

  /** true when the line went to the --log file, false when to stderr */
  const write = (level: Level, msg: string): boolean => {
    if (opts.file && !fileFailed) {
      try {
        if (fd === undefined) fd = io().open(opts.file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644);
        writeAll(fd, formatLine(level, msg, opts.format, now()));
        return true;
      } catch (err) {
        // An unwritable --log must not swallow the message: say so once, then use stderr.
        fileFailed = true;
        toStderr('warning', `cannot write the log file ${opts.file}: ${(err as Error).message}`);
      }
    }
    toStderr(level, msg);
    return false;
  };

  return {
    error: (msg) => void write('error', msg),
    fatal: (msg) => {
      if (write('error', msg)) stderr(`${msg}\n`);
    },
    warn: (msg) => void write('warning', msg),
    info: (msg) => void write('info', msg),
    debug: (msg) => {
      if (opts.debug) void write('debug', msg);
    },
    debugEnabled: opts.debug,
  };
}
