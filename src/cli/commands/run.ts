import { parseFlags } from '../args.js';
import type { Command } from '../context.js';
import { CREATE_FLAGS, createOptions } from './create.js';

const USAGE = `usage: berth run [options] <container-id>

Creates and starts a container, waits for it, forwards signals to it, deletes it and exits
with its exit status (128 + N when killed by signal N).

options: those of "berth create", plus
  --detach, -d   return after start (the container keeps running)
  --keep         do not delete the container after it exits
`;

export const command: Command = {
  usage: USAGE,
  async run(args, ctx) {
    const p = parseFlags(args, {
      string: CREATE_FLAGS.string,
      boolean: [...CREATE_FLAGS.boolean, 'detach', 'keep', 'no-subreaper'],
      alias: { ...CREATE_FLAGS.alias, d: 'detach' },
    }, 'run');
    const { runContainer } = await import('../../container/run.js');
    return runContainer({ ...createOptions(p, ctx, 'run'), detach: !!p.flags.detach, keep: !!p.flags.keep });
  },
};
