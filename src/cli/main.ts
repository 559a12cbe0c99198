// berth's entry point (the compiled executable starts here). Parses the global flags, loads
// only the module of the command asked for, and turns errors into a log line and exit
// status 1 (`run` exits with the container's status instead).
//
// Nothing here touches process.stdout/stderr/stdin: creating those streams lets libuv switch
// the shared stdio descriptions to non-blocking mode under the container. Output is written
// with synchronous writes to fds 1 and 2.
//
// Start-up cost (docs/ARCHITECTURE.md, "Speed"): no node: built-in is loaded here or by the
// short commands (Bun compiles each at first use; node:fs alone costs ~10 ms): output, the
// log and the state store go through sys/io.ts (berth-io.node), paths through
// sys/posix-path.ts. The commands that create or change containers live in
// heavy-commands.ts, a second entry point of the executable that only they load: `state`,
// `kill`, `list`, `delete`, `start` and `--version` never deserialize the validators, the plan
// builder or seccomp.

import { BerthError, isBerthError, UsageError } from '../errors.js';
import { checkArgCount, parseCommandArgs, parseGlobalArgs, type FlagDef, formatFlagHelp } from './args.js';
import { commandHelp, type Command, type Context } from './context.js';
import { createLogger, writeStderr, type LogFormat, type Logger } from './log.js';
import { io } from '../sys/io.js';
import { resolve } from '../sys/posix-path.js';
import { versionText } from './version.js';

export const DEFAULT_ROOT = '/run/berth';

interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

// A specifier the bundler does not follow (scripts/build-exe.js marks it external and
// embeds heavy-commands.ts as a second entry point): in the executable it resolves to the
// embedded copy, under Node to the compiled file beside this one.
const HEAVY_COMMANDS = './heavy-commands.js';

async function heavy(name: string): Promise<Command> {
  const mod = (await import(HEAVY_COMMANDS)) as typeof import('./heavy-commands.js');
  return mod.loadHeavyCommand(name);
}

const COMMANDS: Record<string, CommandEntry> = {
  create: { summary: 'create a container (its init waits for "start")', load: () => heavy('create') },
  start: { summary: 'run the user program of a created container', load: async () => (await import('./commands/start.js')).command },
  exec: { summary: 'run a new process in a running container', load: () => heavy('exec') },
  run: { summary: 'create and start a container, wait for it and delete it', load: () => heavy('run') },
  state: { summary: 'print the state of a container as JSON', load: async () => (await import('./commands/state.js')).command },
  list: { summary: 'list the containers under --root', load: async () => (await import('./commands/list.js')).command },
  kill: { summary: 'send a signal to the init (or, with --all, every process) of a container', load: async () => (await import('./commands/kill.js')).command },
  delete: { summary: 'delete a container and everything it holds', load: async () => (await import('./commands/delete.js')).command },
  ps: { summary: 'list the processes of a container (host ps, or --format json: the pids)', load: () => heavy('ps') },
  pause: { summary: 'freeze every process of a container', load: () => heavy('pause') },
  resume: { summary: 'thaw a paused container', load: () => heavy('resume') },
  update: { summary: 'change the resource limits of a container', load: () => heavy('update') },
  events: { summary: 'print a container\'s statistics and OOM events as JSON lines', load: () => heavy('events') },
  spec: { summary: 'write a default config.json', load: () => heavy('spec') },
  features: { summary: 'print the features berth supports (runtime-spec features JSON)', load: () => heavy('features') },
  check: { summary: 'check whether this host is ready for berth, and what will not work here', load: () => heavy('check') },
};

/** runc commands berth does not implement yet: a clean error engines can show. */
export const NOT_YET = ['checkpoint', 'restore'];

export const GLOBAL_FLAGS: FlagDef[] = [
  { name: 'root', type: 'string', value: 'DIR', help: `directory for container state (default "${DEFAULT_ROOT}")` },
  { name: 'log', type: 'string', value: 'FILE', help: 'append log lines to FILE instead of writing them to stderr' },
  { name: 'log-format', type: 'string', value: 'FORMAT', help: 'log line format: "text" (default) or "json"' },
  { name: 'debug', type: 'bool', help: 'also log debug lines' },
  { name: 'systemd-cgroup', type: 'bool', help: 'use the systemd cgroup driver (not supported yet)' },
  { name: 'rootless', type: 'string', value: 'VALUE', help: '"true", "false" or "auto" (default); rootless containers are not supported yet' },
  { name: 'criu', type: 'string', value: 'PATH', help: 'accepted for runc compatibility and ignored (no checkpoint/restore)' },
  { name: 'version', short: 'v', type: 'bool', help: 'print the version' },
  { name: 'help', short: 'h', type: 'bool', help: 'show this help' },
];

function globalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const commands = Object.entries(COMMANDS).map(([n, e]) => `   ${n.padEnd(width)}  ${e.summary}\n`).join('');
  const flags = formatFlagHelp(GLOBAL_FLAGS.filter((f) => f.name !== 'help'));
  return `berth - an OCI container runtime with runc's command line

usage: berth [global options] command [command options] [arguments...]

commands:
${commands}   help      show the help of a command ("berth help kill")

Not supported yet: ${NOT_YET.join(', ')}.

global options (before the command):
${flags}`;
}

export interface MainIo {
  out(text: string): void;
  err(text: string): void;
  cwd(): string;
  /** default: isatty(2) */
  stderrIsTTY?: boolean;
}

function writeFd1(text: string): void {
  io().write(1, text);
}

const processIo: MainIo = { out: writeFd1, err: writeStderr, cwd: () => process.cwd() };

function reportError(err: unknown, log: Logger): void {
  const message = err instanceof Error ? err.message : String(err);
  log.fatal(message);
  // isBerthError, not instanceof: a heavy command's errors come from the other entry point's
  // copy of errors.ts in the executable.
  if (!isBerthError(err) && err instanceof Error && err.stack) log.debug(err.stack);
}

/** rootless: runc's values are true, false and auto (its default). */
function checkRootless(value: string | undefined): void {
  if (value === undefined) return;
  const v = value.toLowerCase();
  if (['1', 't', 'true'].includes(v)) throw new BerthError('--rootless: rootless containers are not supported yet');
  if (!['0', 'f', 'false', 'auto'].includes(v)) throw new UsageError(`invalid value ${JSON.stringify(value)} for --rootless: use true, false or auto`);
}

export async function main(argv: readonly string[], io: MainIo = processIo): Promise<number> {
  const early = createLogger({ format: 'text', debug: false, stderr: io.err, stderrIsTTY: io.stderrIsTTY });
  let g;
  try {
    g = parseGlobalArgs(argv, GLOBAL_FLAGS);
  } catch (err) {
    reportError(err, early);
    return 1;
  }
  const format = (g.flags['log-format'] as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') {
    early.fatal(`invalid log-format: ${format} (use text or json)`);
    return 1;
  }
  const cwd = io.cwd();
  const logFile = g.flags.log ? resolve(cwd, g.flags.log as string) : undefined;
  const log = createLogger({ file: logFile, format: format as LogFormat, debug: g.flags.debug === true, stderr: io.err, stderrIsTTY: io.stderrIsTTY });
  try {
    log.debug(`berth ${argv.join(' ')}`);
    if (g.flags.version === true) {
      io.out(versionText());
      return 0;
    }
    let name = g.command;
    let rest = g.rest;
    let helpOnly = false;
    if (name === 'help' || name === 'h') {
      helpOnly = true;
      name = rest[0];
      rest = [];
    }
    if (g.flags.help === true || name === undefined) {
      io.out(globalHelp());
      return 0;
    }
    checkRootless(g.flags.rootless as string | undefined);
    if (NOT_YET.includes(name)) throw new BerthError(`${name} is not supported yet`);
    const entry = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!entry) throw new UsageError(`unknown command ${JSON.stringify(name)}; see "berth --help"`);
    const command = await entry.load();
    const parsed = parseCommandArgs(rest, command.flags, command.rawTail);
    if (helpOnly || parsed.flags.help === true) {
      io.out(commandHelp(command));
      return 0;
    }
    checkArgCount(name, parsed.positional, command.args);
    const root = (g.flags.root as string | undefined) ?? DEFAULT_ROOT;
    if (!root) throw new UsageError('--root must not be empty');
    const ctx: Context = {
      root: resolve(cwd, root),
      log,
      systemdCgroup: g.flags['systemd-cgroup'] === true,
      cwd,
      out: io.out,
    };
    return await command.run(parsed, ctx);
  } catch (err) {
    reportError(err, log);
    return 1;
  }
}

if (require.main === module || (process.versions as Record<string, string | undefined>).bun) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
