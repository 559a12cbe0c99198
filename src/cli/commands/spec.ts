// `berth spec`: write a starter config.json into a bundle directory, never over an existing one.

import fs from 'node:fs';
import * as path from '../../sys/posix-path.js';
import { BerthError } from '../../errors.js';
import { boolFlag, stringFlag } from '../args.js';
import type { Command } from '../context.js';
import { defaultSpec } from '../default-spec.js';

export const command: Command = {
  name: 'spec',
  usage: 'berth spec [command options]',
  description: `Writes a starter config.json (runtime-spec 1.3.0) for a bundle, the one runc spec writes:
"sh" as root on a terminal, with a read-only rootfs at ./rootfs. Edit it before use. With
--rootless, runc's rootless variant (a user namespace mapping root to your ids). An existing
config.json is never overwritten.`,
  flags: [
    { name: 'bundle', short: 'b', type: 'string', value: 'DIR', help: 'write DIR/config.json (default: the current directory)' },
    { name: 'rootless', type: 'bool', help: 'generate a configuration for a rootless container' },
  ],
  args: { min: 0, max: 0 },
  async run(p, ctx) {
    const dir = path.resolve(ctx.cwd, stringFlag(p, 'bundle') || '.');
    const file = path.join(dir, 'config.json');
    try {
      // "wx": O_EXCL, so an existing file (or a symlink planted there) is never written through.
      const rootless = boolFlag(p, 'rootless') ? { uid: process.geteuid!(), gid: process.getegid!() } : undefined;
      fs.writeFileSync(file, JSON.stringify(defaultSpec({ rootless }), null, '\t') + '\n', { flag: 'wx', mode: 0o666 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new BerthError(`File ${file} exists. Remove it first`);
      if (code === 'ENOENT') throw new BerthError(`bundle directory ${dir} does not exist`);
      throw new BerthError(`cannot write ${file}: ${(err as Error).message}`);
    }
    return 0;
  },
};
