// `berth events`: a container's statistics and OOM kills as JSON lines, in runc's format.

import { UsageError } from '../../errors.js';
import { validateId } from '../../state/id.js';
import { boolFlag, stringFlag } from '../args.js';
import type { Command } from '../context.js';
import { parseDurationMs } from '../units.js';

export const command: Command = {
  name: 'events',
  usage: 'berth events [command options] <container-id>',
  description: `Prints the container's events as JSON lines, in runc's format: {"type":"stats","id":...,
"data":{cpu, cpuset, memory, pids, blkio, hugetlb, intel_rdt, network_interfaces}} every
--interval (default 5s), and {"type":"oom","id":...} when the kernel's OOM killer ends one of
its processes. The stream ends when the container stops. --stats prints one stats event and
exits. A stopped container is an error.`,
  flags: [
    { name: 'interval', type: 'string', value: 'DURATION', help: 'how often stats are printed (Go duration: 5s, 500ms, 1m; default 5s)' },
    { name: 'stats', type: 'bool', help: "print the container's stats once, then exit" },
  ],
  args: { min: 1, max: 1 },
  async run(p, ctx) {
    const intervalMs = parseDurationMs(stringFlag(p, 'interval') ?? '5s');
    if (intervalMs <= 0) throw new UsageError('duration interval must be greater than 0');
    const id = validateId(p.positional[0]!);
    const { streamEvents, statsEvent } = await import('../../container/events.js');
    if (boolFlag(p, 'stats')) ctx.out(statsEvent(ctx.root, id) + '\n');
    else await streamEvents(ctx.root, id, intervalMs, (line) => ctx.out(line + '\n'), (msg) => ctx.log.error(msg));
    return 0;
  },
};
