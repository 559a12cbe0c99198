// `berth resume`: see container/pause.ts.

import { validateId } from '../../state/id.js';
import type { Command } from '../context.js';

export const command: Command = {
  name: 'resume',
  usage: 'berth resume <container-id>',
  description: `Thaws a paused container: its processes go on where they stopped, and \`state\` shows
"running" (or "created") again. A container that is not paused: "container not paused".`,
  flags: [],
  args: { min: 1, max: 1 },
  async run(p, ctx) {
    const id = validateId(p.positional[0]!);
    const { resumeContainer } = await import('../../container/pause.js');
    resumeContainer(ctx.root, id);
    return 0;
  },
};
