import { parseFlags, requireId } from '../args.js';
import type { Command } from '../context.js';

export const command: Command = {
  usage: 'usage: berth start <container-id>\n\nRuns the user program of a created container.\n',
  async run(args, ctx) {
    const id = requireId(parseFlags(args, {}, 'start'), 'start');
    const { startContainer } = await import('../../container/start.js');
    await startContainer(ctx.root, id, (m) => ctx.log.warn(m));
    return 0;
  },
};
