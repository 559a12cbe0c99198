import { parseFlags, requireId } from '../args.js';
import type { Command } from '../context.js';
import { parseSignal } from '../signals.js';

const USAGE = `usage: berth kill [--all|-a] <container-id> [signal]

Sends a signal (default SIGTERM; a name with or without SIG, or a number) to the init,
or with --all to every process in the container's cgroup.
`;

export const command: Command = {
  usage: USAGE,
  async run(args, ctx) {
    const p = parseFlags(args, { boolean: ['all'], alias: { a: 'all' } }, 'kill');
    const id = requireId(p, 'kill');
    const signal = parseSignal(p.positional[1] ?? 'SIGTERM');
    const { killContainer } = await import('../../container/kill.js');
    killContainer(ctx.root, id, signal, !!p.flags.all);
    return 0;
  },
};
