// `berth start`: release a created container's init to run the user program.

import { validateId } from '../../state/id.js';
import type { Command } from '../context.js';
import { reportProfileAtExit } from '../profile-report.js';

export const command: Command = {
  name: 'start',
  usage: 'berth start <container-id>',
  description: `Runs the user program of a created container: its init, waiting since "berth create",
runs the startContainer hooks and executes process.args. poststart hooks run afterwards.`,
  flags: [],
  args: { min: 1, max: 1 },
  async run(p, ctx) {
    reportProfileAtExit();
    const id = validateId(p.positional[0]!);
    const { startContainer } = await import('../../container/start.js');
    await startContainer(ctx.root, id, (msg) => ctx.log.warn(msg));
    return 0;
  },
};
