// `berth ps`: a container's processes, as runc lists them.

import { UsageError } from '../../errors.js';
import { validateId } from '../../state/id.js';
import { stringFlag } from '../args.js';
import type { Command } from '../context.js';

export const command: Command = {
  name: 'ps',
  usage: 'berth ps [command options] <container-id> [ps options]',
  description: `Lists the processes of a container. The table is the host's ps output (its arguments are
the ones after the container id, default -ef) reduced to the header and the rows of the
container's processes. --format json prints the pids in the container's cgroup as a JSON array
(null when there are none, as runc prints it). Every argument after the container id goes to ps.`,
  flags: [{ name: 'format', short: 'f', type: 'string', value: 'FORMAT', help: 'table (default) or json' }],
  args: { min: 1, max: Infinity },
  rawTail: true,
  async run(p, ctx) {
    const format = stringFlag(p, 'format') ?? 'table';
    if (format !== 'table' && format !== 'json') throw new UsageError('invalid format option');
    const id = validateId(p.positional[0]!);
    const { containerPids, psTable } = await import('../../container/ps.js');
    if (format === 'json') {
      const pids = containerPids(ctx.root, id);
      ctx.out(JSON.stringify(pids.length ? pids : null) + '\n');
    } else {
      ctx.out(psTable(ctx.root, id, p.positional.slice(1)));
    }
    return 0;
  },
};
