// What every command gets from the global flags.

import { writeSync } from 'node:fs';
import type { Logger } from './log.js';

export interface Context {
  root: string;
  log: Logger;
  systemdCgroup: boolean;
}

export interface Command {
  usage: string;
  /** returns the exit status */
  run(args: string[], ctx: Context): Promise<number>;
}

/** Writes to fd 1 directly: no stream object, so stdio stays blocking for the container. */
export function out(text: string): void {
  writeSync(1, text);
}
