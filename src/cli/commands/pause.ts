// `berth pause`: see container/pause.ts.

import { validateId } from '../../state/id.js';
import type { Command } from '../context.js';

export const command: Command = {
  name: 'pause',
  usage: 'berth pause <container-id>',
  description: `Freezes every process of a created or running container (cgroup v1 freezer, v2 cgroup.freeze)
and waits until the kernel reports the cgroup frozen; \`state\` then shows "paused". Anything else
is an error: "container not running".`,
  flags: [],
  args: { min: 1, max: 1 },
  async run(p, ctx) {
    const id = validateId(p.positional[0]!);
    const { pauseContainer } = await import('../../container/pause.js');
    pauseContainer(ctx.root, id);
    return 0;
  },
};
