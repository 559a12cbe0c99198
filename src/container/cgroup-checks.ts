// What create checks about the container's cgroups once they exist and before the child is put
// there, as runc 1.1 does: a frozen cgroup is refused (the child would stop at its first step and
// create would wait for it), and one that already has processes is used with a warning, in
// runc's words.

import { BerthError } from '../errors.js';
import { frozenState } from '../cgroups/freezer.js';
import type { CgroupManager } from '../cgroups/index.js';

export function checkCgroupBeforeUse(cgroup: CgroupManager, warn: (msg: string) => void): void {
  const frozen = frozenState(cgroup.describe());
  if (frozen) throw new BerthError(`container's cgroup unexpectedly frozen (${frozen}): thaw it or choose another cgroupsPath`);
  const pids = cgroup.pids();
  if (pids.length) warn(`container's cgroup is not empty: ${pids.length} process(es) found`);
}
