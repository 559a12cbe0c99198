// Cgroup placement behind one interface: where a container's cgroups are, making them,
// putting processes in them, listing those processes and removing the cgroups again
// (placement.ts), plus the resource limits (linux.resources, written by applyResources through
// resources/) and the statistics. The commands that only signal, inspect or remove a container
// use placement.ts alone, which leaves the limits and statistics out of the executable's first
// entry point.
//
// One driver per cgroup version (v1.ts, v2.ts). A hybrid host (v1 controllers plus cgroup2 at
// <root>/unified) uses the v1 driver, which also places the process in the unified hierarchy,
// as runc does. build.ts picks the driver and works out the directories.

import { buildCgroupManager } from './build.js';
import { hostProc } from './detect.js';
import { DEFAULT_CGROUP_ROOT, managerFromRecord, type CgroupPlacement, type CgroupRecord } from './placement.js';
import { CgroupV1 } from './v1.js';
import { CgroupV2 } from './v2.js';
import type { CgroupFiles } from './resources/files.js';
import type { CgroupStats } from './stats/types.js';
import type { ApplyOptions, ResourceInput } from './resources/input.js';

export type { ApplyOptions, ResourceInput, CgroupPlacement, CgroupRecord };

/** The placement of placement.ts, plus the limits and the statistics (create, update, events). */
export interface CgroupManager extends CgroupPlacement {
  applyResources(input: ResourceInput, opts: ApplyOptions): void; // write linux.resources (after create, before the process can run user code); throws ConfigError naming the field
  /** cpu, memory, pids, blkio/io and hugetlb statistics in runc's shape (events) */
  stats(): CgroupStats;
  /** the memory controller's count of OOM kills so far; undefined when the kernel does not say */
  oomKills(): bigint | undefined;
}

export type { CgroupStats };

export { DEFAULT_CGROUP_ROOT };

export function cgroupManagerFor(opts: { id: string; cgroupsPath?: string; systemd?: boolean; fsRoot?: string; files?: CgroupFiles }): CgroupManager {
  return buildCgroupManager(opts, hostProc);
}

/** files: how cgroup files are read and written (update records what it overwrites). */
export function cgroupManagerFromRecord(r: CgroupRecord, fsRoot?: string, files?: CgroupFiles): CgroupManager {
  return managerFromRecord<CgroupManager>(r, fsRoot ?? DEFAULT_CGROUP_ROOT, files, { v1: CgroupV1, v2: CgroupV2 });
}
