// What every command gets: the global flags, the logger and where its output goes, plus the
// shape of a command module.

import type { ArgCount, FlagDef, ParsedArgs } from './args.js';
import { formatFlagHelp } from './args.js';
import type { Logger } from './log.js';

export interface Context {
  /** --root, absolute */
  root: string;
  log: Logger;
  systemdCgroup: boolean;
  /** the working directory relative paths are resolved against */
  cwd: string;
  /** standard output; a synchronous write to fd 1 unless a test captures it */
  out(text: string): void;
}

export interface Command {
  name: string;
  /** e.g. "berth kill [command options] <container-id> [signal]" */
  usage: string;
  /** the paragraph(s) --help prints under the usage line */
  description: string;
  flags: FlagDef[];
  args: ArgCount;
  /** everything after the first positional argument is passed on verbatim (ps's arguments) */
  rawTail?: boolean;
  /** returns the exit status */
  run(p: ParsedArgs, ctx: Context): Promise<number>;
}

export function commandHelp(c: Command): string {
  return `usage: ${c.usage}\n\n${c.description.trimEnd()}\n\noptions:\n${formatFlagHelp(c.flags)}`;
}
