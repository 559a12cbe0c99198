// The cgroup v2 driver (v2-base.ts places, lists, freezes and removes the cgroup) with the
// limits (linux.resources, through resources/) and the statistics of `events`. Only create,
// update and events build it (cgroups/index.ts); it lives in the second entry point of the
// executable only (docs/ARCHITECTURE.md, "Start-up").

import type { CgroupManager } from './index.js';
import type { CgroupStats } from './stats/types.js';
import { v2OomKills, v2Stats } from './stats/v2.js';
import type { ApplyOptions, ResourceInput } from './resources/input.js';
import { applyV2Resources } from './resources/v2.js';
import { listCgroupDir } from './tree.js';
import { CgroupV2Placement } from './v2-base.js';

export { enableControllers } from './v2-base.js';

export class CgroupV2 extends CgroupV2Placement implements CgroupManager {
  applyResources(input: ResourceInput, opts: ApplyOptions): void {
    applyV2Resources(this.dir, input, opts, this.files);
    const pids = input.resources?.pids?.limit;
    this.noForkInto = pids === 0;
  }

  stats(): CgroupStats {
    return v2Stats(this.dir, this.files, listCgroupDir);
  }

  oomKills(): bigint | undefined {
    return v2OomKills(this.dir, this.files);
  }
}
