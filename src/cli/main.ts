// berth's entry point. Parses the global flags, loads only the command asked for, and turns
// errors into a log line and exit status 1. Nothing here touches process.stdout/stderr
// streams (libuv could switch shared stdio to non-blocking under the container).

import { BerthError, UsageError } from '../errors.js';
import { parseFlags, splitCommand } from './args.js';
import type { Command, Context } from './context.js';
import { out } from './context.js';
import { createLogger } from './log.js';

export const VERSION = '0.1.0';
const SPEC_VERSION = '1.3.0';

const COMMANDS: Record<string, () => Promise<Command>> = {
  create: async () => (await import('./commands/create.js')).command,
  start: async () => (await import('./commands/start.js')).command,
  run: async () => (await import('./commands/run.js')).command,
  state: async () => (await import('./commands/state.js')).command,
  list: async () => (await import('./commands/list.js')).command,
  kill: async () => (await import('./commands/kill.js')).command,
  delete: async () => (await import('./commands/delete.js')).command,
  spec: async () => (await import('./commands/spec.js')).command,
  features: async () => (await import('./commands/features.js')).command,
};

/** runc commands berth does not have yet: a clean error engines can show. */
const NOT_YET = ['exec', 'ps', 'pause', 'resume', 'update', 'events', 'checkpoint', 'restore'];

const GLOBAL_STRINGS = ['root', 'log', 'log-format', 'criu'];
const GLOBAL_BOOLEANS = ['debug', 'systemd-cgroup', 'rootless', 'version', 'v'];

const USAGE = `berth - an OCI container runtime (runc-compatible command line)

usage: berth [global options] command [command options] [arguments...]

commands:
  create    create a container (the init waits for start)
  start     run the user program of a created container
  run       create and start a container, wait for it, delete it
  state     print a container's state as JSON
  list      list containers
  kill      send a signal to a container's init (or --all processes)
  delete    delete a container
  spec      write a default config.json
  features  print what berth supports (runtime-spec features JSON)

global options:
  --root DIR          state directory (default /run/berth)
  --log FILE          write log lines to FILE instead of stderr
  --log-format FMT    text or json
  --debug             also log debug lines
  --systemd-cgroup    use the systemd cgroup driver (not supported yet)
  --version, -v       print the version
`;

function versionText(): string {
  const commit = process.env.BERTH_COMMIT || 'unknown';
  return `berth version ${VERSION}\ncommit: ${commit}\nspec: ${SPEC_VERSION}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const split = splitCommand(argv, GLOBAL_STRINGS);
  let g;
  try {
    g = parseFlags(split.global, { string: GLOBAL_STRINGS, boolean: GLOBAL_BOOLEANS }, '');
  } catch (err) {
    createLogger({ format: 'text', debug: false }).error((err as Error).message);
    return 1;
  }
  const format = g.flags['log-format'] === 'json' ? 'json' : 'text';
  const log = createLogger({ file: g.flags.log as string | undefined, format, debug: !!g.flags.debug });
  try {
    if (g.flags['log-format'] && !['text', 'json'].includes(String(g.flags['log-format']))) {
      throw new UsageError(`invalid log format: ${g.flags['log-format']}`);
    }
    if (g.flags.version || g.flags.v) {
      out(versionText());
      return 0;
    }
    if (!split.command || g.flags.help || split.command === 'help') {
      out(USAGE);
      return split.command || g.flags.help ? 0 : 1;
    }
    if (g.flags.rootless === true) throw new BerthError('--rootless: rootless containers are not supported yet');
    if (NOT_YET.includes(split.command)) throw new BerthError(`${split.command} is not supported yet`);
    const load = COMMANDS[split.command];
    if (!load) throw new UsageError(`no such command: ${split.command}`);
    const command = await load();
    if (split.rest.includes('--help') || split.rest.includes('-h')) {
      out(command.usage);
      return 0;
    }
    const ctx: Context = { root: (g.flags.root as string) || '/run/berth', log, systemdCgroup: !!g.flags['systemd-cgroup'] };
    return await command.run(split.rest, ctx);
  } catch (err) {
    log.error(err instanceof BerthError ? err.message : (err as Error).stack ?? String(err));
    return 1;
  }
}

if (require.main === module || (process.versions as Record<string, string | undefined>).bun) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
