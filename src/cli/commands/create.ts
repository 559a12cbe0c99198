// `berth create`: set a container up from a bundle; its init waits on the exec fifo for `start`.

import * as path from '../../sys/posix-path.js';
import type { CreateOptions } from '../../container/create.js';
import { validateId } from '../../state/id.js';
import { boolFlag, stringFlag, uintFlag, type FlagDef, type ParsedArgs } from '../args.js';
import type { Command, Context } from '../context.js';
import { reportProfileAtExit } from '../profile-report.js';

export const CREATE_FLAGS: FlagDef[] = [
  { name: 'bundle', short: 'b', type: 'string', value: 'DIR', help: 'the bundle directory (default: the current directory)' },
  { name: 'console-socket', type: 'string', value: 'PATH', help: 'AF_UNIX socket that receives the pty master (SCM_RIGHTS) when process.terminal is true' },
  { name: 'pid-file', type: 'string', value: 'FILE', help: "write the init's pid to FILE (decimal digits, no newline)" },
  { name: 'no-pivot', type: 'bool', help: 'move the rootfs with MS_MOVE and chroot instead of pivot_root (for a rootfs on a ramdisk)' },
  { name: 'no-new-keyring', type: 'bool', help: "keep the caller's session keyring instead of creating one" },
  { name: 'preserve-fds', type: 'uint', value: 'N', help: 'pass N more fds (3 .. 3+N-1, after $LISTEN_FDS) to the container (default 0)' },
];

/** The create options `create` and `run` share; paths are made absolute against the cwd. */
export function createOptions(p: ParsedArgs, ctx: Context): CreateOptions {
  const abs = (name: string) => {
    const v = stringFlag(p, name);
    return v ? path.resolve(ctx.cwd, v) : undefined;
  };
  return {
    root: ctx.root,
    id: validateId(p.positional[0]!),
    bundle: abs('bundle') ?? ctx.cwd,
    pidFile: abs('pid-file'),
    consoleSocket: abs('console-socket'),
    noPivot: boolFlag(p, 'no-pivot'),
    noNewKeyring: boolFlag(p, 'no-new-keyring'),
    preserveFds: uintFlag(p, 'preserve-fds', 0),
    systemdCgroup: ctx.systemdCgroup,
    warn: (msg: string) => ctx.log.warn(msg),
  };
}

export const command: Command = {
  name: 'create',
  usage: 'berth create [command options] <container-id>',
  description: `Creates a container from a bundle (a directory holding config.json and the root
filesystem). The init process is set up completely, then waits until "berth start"; the
container's status is "created" meanwhile. Errors in config.json name the JSON path.`,
  flags: CREATE_FLAGS,
  args: { min: 1, max: 1 },
  async run(p, ctx) {
    reportProfileAtExit();
    const options = createOptions(p, ctx);
    const { createContainer } = await import('../../container/create.js');
    await createContainer(options);
    return 0;
  },
};
