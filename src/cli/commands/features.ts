// `berth features`: the runtime-spec features document.

import type { Command } from '../context.js';
import { featuresDocument } from '../features-document.js';
import { detectLsm } from '../../host/lsm.js';
import { liveHost } from '../../host/probe.js';

export const command: Command = {
  name: 'features',
  usage: 'berth features',
  description: `Prints what this build of berth supports as the runtime-spec features document (JSON):
the config versions, hooks, mount options, namespaces, capabilities, cgroup drivers and seccomp
features it implements. Only what berth really does is listed; AppArmor and SELinux are enabled
when this host has them.`,
  flags: [],
  args: { min: 0, max: 0 },
  async run(_p, ctx) {
    ctx.out(JSON.stringify(featuresDocument(undefined, detectLsm(liveHost())), null, 4) + '\n');
    return 0;
  },
};
