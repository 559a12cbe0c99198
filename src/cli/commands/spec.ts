// `berth spec`: write a starter config.json into a bundle directory, never over an existing one.

import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../../errors.js';
import { boolFlag, stringFlag } from '../args.js';
import type { Command } from '../context.js';
import { defaultSpec } from '../default-spec.js';

export const command: Command = {
  name: 'spec',
  usage: 'berth spec [command options]',
  description: `Writes a starter config.json (runtime-spec 1.3.0) for a bundle: "sh" as root with a
read-only rootfs at ./rootfs. Edit it before use. An existing config.json is never overwritten.`,
  flags: [
    { name: 'bundle', short: 'b', type: 'string', value: 'DIR', help: 'write DIR/config.json (default: the current directory)' },
    { name: 'rootless', type: 'bool', help: 'a rootless configuration (not supported yet)' },
  ],
  args: { min: 0, max: 0 },
  async run(p, ctx) {
    if (boolFlag(p, 'rootless')) throw new BerthError('spec --rootless: rootless containers are not supported yet');
    const dir = path.resolve(ctx.cwd, stringFlag(p, 'bundle') || '.');
    const file = path.join(dir, 'config.json');
    try {
      // "wx": O_EXCL, so an existing file (or a symlink planted there) is never written through.
      fs.writeFileSync(file, JSON.stringify(defaultSpec(), null, '\t') + '\n', { flag: 'wx', mode: 0o666 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new BerthError(`File ${file} exists. Remove it first`);
      if (code === 'ENOENT') throw new BerthError(`bundle directory ${dir} does not exist`);
      throw new BerthError(`cannot write ${file}: ${(err as Error).message}`);
    }
    return 0;
  },
};
