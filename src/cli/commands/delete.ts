// `berth delete`: remove a container: its processes (with --force), cgroups and state.

import { ContainerNotFound } from '../../errors.js';
import { validateId } from '../../state/id.js';
import { boolFlag } from '../args.js';
import type { Command } from '../context.js';
import { reportProfileAtExit } from '../profile-report.js';

export const command: Command = {
  name: 'delete',
  usage: 'berth delete [command options] <container-id>',
  description: `Deletes a stopped or created container: what is left of its processes, its cgroups and
its state; poststop hooks run. A running container needs --force, which kills it first
(SIGKILL). With --force a container that does not exist is not an error (exit 0, no output),
which containerd relies on.`,
  flags: [{ name: 'force', short: 'f', type: 'bool', help: 'kill a running container first; a missing one is not an error' }],
  args: { min: 1, max: 1 },
  async run(p, ctx) {
    reportProfileAtExit();
    const id = validateId(p.positional[0]!);
    const force = boolFlag(p, 'force');
    const { deleteContainer } = await import('../../container/delete.js');
    try {
      await deleteContainer(ctx.root, id, force, (msg) => ctx.log.warn(msg));
    } catch (err) {
      if (force && err instanceof ContainerNotFound) return 0;
      throw err;
    }
    return 0;
  },
};
