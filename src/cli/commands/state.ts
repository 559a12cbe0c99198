import { parseFlags, requireId } from '../args.js';
import { out, type Command } from '../context.js';

export const command: Command = {
  usage: 'usage: berth state <container-id>\n\nPrints the container state as JSON.\n',
  async run(args, ctx) {
    const id = requireId(parseFlags(args, {}, 'state'), 'state');
    const { containerState } = await import('../../container/state.js');
    out(JSON.stringify(containerState(ctx.root, id), null, 2) + '\n');
    return 0;
  },
};
