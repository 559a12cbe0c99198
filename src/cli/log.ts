// The logger. With --log everything goes to that file (engines read the last error line from
// it); without, to stderr. At create, stdout/stderr may be the container's stdio pipes, so
// with --log nothing is written there. JSON lines are {"level","msg","time"}, as runc writes.

import fs from 'node:fs';

export type Level = 'debug' | 'info' | 'warning' | 'error';

export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}

export interface LogOptions {
  file?: string;
  format: 'text' | 'json';
  debug: boolean;
}

export function formatLine(level: Level, msg: string, format: 'text' | 'json', now = new Date()): string {
  if (format === 'json') return JSON.stringify({ level, msg, time: now.toISOString() }) + '\n';
  return `time="${now.toISOString()}" level=${level} msg=${JSON.stringify(msg)}\n`;
}

export function createLogger(opts: LogOptions): Logger {
  let fd: number | undefined;
  const write = (level: Level, msg: string) => {
    if (opts.file) {
      if (fd === undefined) fd = fs.openSync(opts.file, 'a', 0o644);
      fs.writeSync(fd, formatLine(level, msg, opts.format));
    } else if (opts.format === 'json') {
      fs.writeSync(2, formatLine(level, msg, 'json'));
    } else {
      fs.writeSync(2, level === 'error' ? `berth: ${msg}\n` : `berth: ${level}: ${msg}\n`);
    }
  };
  return {
    error: (msg) => write('error', msg),
    warn: (msg) => write('warning', msg),
    debug: (msg) => {
      if (opts.debug) write('debug', msg);
    },
  };
}
