// The command lines the API runs: runc's, one function per command, pure so the unit tests
// can check them without a container. The global flags come first, then the command.

import type { CreateOptions, EventsOptions, ExecOptions, RunOptions } from './types.js';

export interface GlobalArgs {
  root: string;
  /** the --log file the error message is read from */
  logFile: string;
  debug?: boolean;
  systemdCgroup?: boolean;
}

export function globalArgv(g: GlobalArgs): string[] {
  const argv = ['--root', g.root, '--log', g.logFile, '--log-format', 'json'];
  if (g.debug) argv.push('--debug');
  if (g.systemdCgroup) argv.push('--systemd-cgroup');
  return argv;
}

function createFlags(o: CreateOptions): string[] {
  const argv: string[] = [];
  if (o.bundle !== undefined) argv.push('--bundle', o.bundle);
  if (o.pidFile !== undefined) argv.push('--pid-file', o.pidFile);
  if (o.consoleSocket !== undefined) argv.push('--console-socket', o.consoleSocket);
  if (o.noPivot) argv.push('--no-pivot');
  if (o.noNewKeyring) argv.push('--no-new-keyring');
  if (o.preserveFds !== undefined) argv.push('--preserve-fds', String(o.preserveFds));
  return argv;
}

export function createArgv(id: string, o: CreateOptions = {}): string[] {
  return ['create', ...createFlags(o), id];
}

export function runArgv(id: string, o: RunOptions = {}): string[] {
  return ['run', ...(o.detach ? ['--detach'] : []), ...createFlags(o), id];
}

export function killArgv(id: string, signal: string | number, all = false): string[] {
  return ['kill', ...(all ? ['--all'] : []), id, String(signal)];
}

export function deleteArgv(id: string, force = false): string[] {
  return ['delete', ...(force ? ['--force'] : []), id];
}

/** `exec`: with a process file the file says everything, so no args or process flags go along. */
export function execArgv(id: string, o: ExecOptions, processFile?: string): string[] {
  const argv = ['exec'];
  if (processFile !== undefined) argv.push('--process', processFile);
  if (o.detach) argv.push('--detach');
  if (o.pidFile !== undefined) argv.push('--pid-file', o.pidFile);
  if (o.consoleSocket !== undefined) argv.push('--console-socket', o.consoleSocket);
  if (processFile === undefined) {
    if (o.tty) argv.push('--tty');
    if (o.cwd !== undefined) argv.push('--cwd', o.cwd);
    for (const kv of o.env ?? []) argv.push('--env', kv);
    if (o.user !== undefined) argv.push('--user', userFlag(o.user));
  }
  argv.push(id);
  if (processFile === undefined) {
    if (!o.args || o.args.length === 0) throw new TypeError('exec: args (or process) is required');
    argv.push(...o.args);
  }
  return argv;
}

function userFlag(user: NonNullable<ExecOptions['user']>): string {
  if (typeof user === 'string') return user;
  return user.gid === undefined ? String(user.uid) : `${user.uid}:${user.gid}`;
}

/** `update --resources - ID`: the resources JSON goes on stdin. */
export function updateArgv(id: string): string[] {
  return ['update', '--resources', '-', id];
}

export function psArgv(id: string): string[] {
  return ['ps', '--format', 'json', id];
}

export function eventsArgv(id: string, o: EventsOptions = {}): string[] {
  const argv = ['events'];
  if (o.stats) argv.push('--stats');
  if (o.interval !== undefined) argv.push('--interval', typeof o.interval === 'number' ? `${o.interval}ms` : o.interval);
  argv.push(id);
  return argv;
}
