// `berth state`: the state document of one container.

import { validateId } from '../../state/id.js';
import type { Command } from '../context.js';

export const command: Command = {
  name: 'state',
  usage: 'berth state <container-id>',
  description: `Prints the state of a container as JSON: ociVersion, id, pid (0 once stopped), status
(created, running or stopped, always read from the live system), bundle, rootfs, created,
annotations (when the config has some) and owner, in runc's order.`,
  flags: [],
  args: { min: 1, max: 1 },
  async run(p, ctx) {
    const id = validateId(p.positional[0]!);
    const { containerState } = await import('../../container/state.js');
    ctx.out(JSON.stringify(containerState(ctx.root, id), null, 2) + '\n');
    return 0;
  },
};
