// `berth run`: create + start, then wait for the container and exit with its status.

import { boolFlag } from '../args.js';
import type { Command } from '../context.js';
import { CREATE_FLAGS, createOptions } from './create.js';
import { reportProfileAtExit } from '../profile-report.js';

export const command: Command = {
  name: 'run',
  usage: 'berth run [command options] <container-id>',
  description: `Creates and starts a container. Without --detach, berth waits for the container's
init, forwards the signals it receives to it, deletes the container (unless --keep) and exits
with the init's exit status (128+N when signal N killed it).`,
  flags: [
    ...CREATE_FLAGS,
    { name: 'detach', short: 'd', type: 'bool', help: 'return once the container is started; it keeps running' },
    { name: 'keep', type: 'bool', help: 'do not delete the container after it exits' },
    { name: 'no-subreaper', type: 'bool', help: 'accepted for runc compatibility and ignored' },
  ],
  args: { min: 1, max: 1 },
  async run(p, ctx) {
    reportProfileAtExit();
    const options = { ...createOptions(p, ctx), detach: boolFlag(p, 'detach'), keep: boolFlag(p, 'keep') };
    const { runContainer } = await import('../../container/run.js');
    return runContainer(options);
  },
};
