// `berth kill`: send a signal to a container's init, or with --all to all its processes.

import { validateId } from '../../state/id.js';
import { boolFlag } from '../args.js';
import type { Command } from '../context.js';
import { parseSignal } from '../signals.js';

export const command: Command = {
  name: 'kill',
  usage: 'berth kill [command options] <container-id> [signal]',
  description: `Sends a signal to the container's init (default SIGTERM). The signal is a name, with or
without "SIG", in any case (KILL, SIGKILL, kill, RTMIN+1), or a number (9). With --all it goes
to every process in the container's cgroup, also of a stopped container. Without --all, a
stopped container is an error ("container not running").`,
  flags: [{ name: 'all', short: 'a', type: 'bool', help: 'signal every process in the container, not just the init' }],
  args: { min: 1, max: 2 },
  async run(p, ctx) {
    const id = validateId(p.positional[0]!);
    const signal = parseSignal(p.positional[1] ?? 'SIGTERM');
    const { killContainer } = await import('../../container/kill.js');
    killContainer(ctx.root, id, signal, boolFlag(p, 'all'));
    return 0;
  },
};
