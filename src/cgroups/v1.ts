// The cgroup v1 driver (v1-base.ts places, lists, freezes and removes the cgroups) with the
// limits (linux.resources, through resources/) and the statistics of `events`. Only create,
// update and events build it (cgroups/index.ts); it lives in the second entry point of the
// executable only (docs/ARCHITECTURE.md, "Start-up").

import type { CgroupManager } from './index.js';
import type { CgroupStats } from './stats/types.js';
import { v1OomKills, v1Stats } from './stats/v1.js';
import type { ApplyOptions, ResourceInput } from './resources/input.js';
import { applyV1Resources } from './resources/v1.js';
import { applyUnifiedOnV1, checkUnifiedOnV1 } from './resources/unified-v1.js';
import { listCgroupDir } from './tree.js';
import { CgroupV1Placement } from './v1-base.js';

export class CgroupV1 extends CgroupV1Placement implements CgroupManager {
  applyResources(input: ResourceInput, opts: ApplyOptions): void {
    // The hybrid unified hierarchy ("" key) places the process, and takes the `unified` keys
    // of the controllers it holds; everything else goes to the v1 hierarchies.
    const v1 = Object.fromEntries(Object.entries(this.paths).filter(([c]) => c !== ''));
    const { unified: values = {}, ...v1Resources } = input.resources ?? {};
    const dir = this.paths[''];
    const hybrid = dir && this.unifiedMount ? { mountPoint: this.unifiedMount, dir } : undefined;
    checkUnifiedOnV1(Object.keys(values), hybrid, this.files);
    applyV1Resources(v1, { ...input, resources: v1Resources }, opts, this.files);
    if (hybrid && Object.keys(values).length) applyUnifiedOnV1(values, hybrid, this.files);
  }

  stats(): CgroupStats {
    return v1Stats(this.paths, this.files, listCgroupDir);
  }

  oomKills(): bigint | undefined {
    return v1OomKills(this.paths, this.files);
  }
}
