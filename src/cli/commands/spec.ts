import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../../errors.js';
import { parseFlags } from '../args.js';
import type { Command } from '../context.js';
import { defaultSpec } from '../default-spec.js';

const USAGE = `usage: berth spec [--bundle|-b DIR]

Writes a default config.json (runtime-spec 1.3.0) into DIR (default: current directory).
An existing config.json is never overwritten.
`;

export const command: Command = {
  usage: USAGE,
  async run(args) {
    const p = parseFlags(args, { string: ['bundle'], boolean: ['rootless'], alias: { b: 'bundle' } }, 'spec');
    if (p.flags.rootless) throw new BerthError('spec --rootless: rootless containers are not supported yet');
    const file = path.join(path.resolve((p.flags.bundle as string) || '.'), 'config.json');
    try {
      fs.writeFileSync(file, JSON.stringify(defaultSpec(), null, '\t') + '\n', { flag: 'wx', mode: 0o644 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BerthError(`File ${file} exists. Remove it first`);
      throw err;
    }
    return 0;
  },
};
