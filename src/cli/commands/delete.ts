import { parseFlags, requireId } from '../args.js';
import type { Command } from '../context.js';

const USAGE = `usage: berth delete [--force|-f] <container-id>

Deletes a stopped or created container. --force kills a running one first, and exits 0
when the container does not exist.
`;

export const command: Command = {
  usage: USAGE,
  async run(args, ctx) {
    const p = parseFlags(args, { boolean: ['force'], alias: { f: 'force' } }, 'delete');
    const id = requireId(p, 'delete');
    const { deleteContainer } = await import('../../container/delete.js');
    await deleteContainer(ctx.root, id, !!p.flags.force, (m) => ctx.log.warn(m));
    return 0;
  },
};
