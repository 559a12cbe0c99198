import path from 'node:path';
import { UsageError } from '../../errors.js';
import { parseFlags, requireId, type Parsed } from '../args.js';
import type { Command, Context } from '../context.js';

export const CREATE_FLAGS = {
  string: ['bundle', 'pid-file', 'console-socket', 'preserve-fds'],
  boolean: ['no-pivot', 'no-new-keyring'],
  alias: { b: 'bundle' },
};

const USAGE = `usage: berth create [options] <container-id>

Creates a container from a bundle. The init process is set up and waits for "start".

options:
  --bundle, -b DIR        bundle directory (default: current directory)
  --pid-file FILE         write the init's pid to FILE (digits only, no newline)
  --console-socket PATH   (terminals are not supported yet)
  --no-pivot              move the rootfs with MS_MOVE + chroot instead of pivot_root
  --no-new-keyring        keep the caller's session keyring
  --preserve-fds N        pass N fds after stdio (3 .. 3+N-1) to the container
`;

/** The create options shared by `create` and `run`. */
export function createOptions(p: Parsed, ctx: Context, command: string) {
  const preserve = p.flags['preserve-fds'] === undefined ? 0 : Number(p.flags['preserve-fds']);
  if (!Number.isInteger(preserve) || preserve < 0) throw new UsageError(`--preserve-fds: "${p.flags['preserve-fds']}" is not a count`);
  const abs = (f: unknown) => (typeof f === 'string' && f ? path.resolve(f) : undefined);
  return {
    root: ctx.root,
    id: requireId(p, command),
    bundle: abs(p.flags.bundle) ?? process.cwd(),
    pidFile: abs(p.flags['pid-file']),
    consoleSocket: abs(p.flags['console-socket']),
    noPivot: !!p.flags['no-pivot'],
    noNewKeyring: !!p.flags['no-new-keyring'],
    preserveFds: preserve,
    systemdCgroup: ctx.systemdCgroup,
    warn: (m: string) => ctx.log.warn(m),
  };
}

export const command: Command = {
  usage: USAGE,
  async run(args, ctx) {
    const p = parseFlags(args, CREATE_FLAGS, 'create');
    const { createContainer } = await import('../../container/create.js');
    await createContainer(createOptions(p, ctx, 'create'));
    return 0;
  },
};
