// `berth update`: change a container's resource limits, with runc's flags or --resources.

import fs from 'node:fs';
import * as path from '../../sys/posix-path.js';
import { BerthError } from '../../errors.js';
import { parseJsonDocument } from '../../spec/json-syntax.js';
import { validateId } from '../../state/id.js';
import { stringFlag } from '../args.js';
import type { Command } from '../context.js';
import { changeFromFlags, refuseIntelRdt, UPDATE_FLAGS } from '../update-flags.js';

export const command: Command = {
  name: 'update',
  usage: 'berth update [command options] <container-id>',
  description: `Changes the resource limits of a created, running or paused container, on cgroup v1 and v2.
--resources FILE (or "-" for stdin) takes linux.resources JSON (memory, cpu, blockIO.weight,
pids, unified; the other flags are then ignored), as engines send it:

{
  "memory": { "limit": 0, "reservation": 0, "swap": 0 },
  "cpu": { "shares": 0, "quota": 0, "period": 0, "realtimeRuntime": 0, "realtimePeriod": 0, "cpus": "", "mems": "" },
  "blockIO": { "weight": 0 }
}

0 or "" leaves a value as it is. Sizes take k, m, g, t, p suffixes (powers of 1024). A bad
value is refused before anything is written; a write the kernel refuses puts every limit
already changed back. The new limits are recorded beside the container's state.`,
  flags: UPDATE_FLAGS,
  args: { min: 1, max: 1 },
  async run(p, ctx) {
    const id = validateId(p.positional[0]!);
    const get = (name: string) => stringFlag(p, name);
    const file = get('resources');
    let change;
    if (file !== undefined) {
      const { pickUpdateFields } = await import('../../container/update-resources.js');
      let text: string;
      try {
        text = fs.readFileSync(file === '-' ? 0 : path.resolve(ctx.cwd, file), 'utf8');
      } catch (err) {
        throw new BerthError(`--resources ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
      }
      const doc = parseJsonDocument(text, (reason) => new BerthError(`--resources ${file}: ${reason}`));
      change = pickUpdateFields(doc, `--resources ${file}`);
    } else {
      change = changeFromFlags(get);
    }
    refuseIntelRdt(get);
    const { updateContainer } = await import('../../container/update.js');
    updateContainer(ctx.root, id, change, (msg) => ctx.log.warn(msg));
    return 0;
  },
};
