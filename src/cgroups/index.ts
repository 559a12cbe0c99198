// Cgroup placement behind one interface: where a container's cgroups are, making them,
// putting processes in them, listing those processes and removing the cgroups again.
// Resource limits (linux.resources) are written by applyResources, through resources/.
//
// One driver per cgroup version (v1.ts, v2.ts). A hybrid host (v1 controllers plus cgroup2 at
// <root>/unified) uses the v1 driver, which also places the process in the unified hierarchy,
// as runc does. build.ts picks the driver and works out the directories.

import { buildCgroupManager, managerFromRecord } from './build.js';
import { DEFAULT_CGROUP_ROOT, hostProc } from './detect.js';
import type { CgroupFiles } from './resources/files.js';
import type { CgroupStats } from './stats/types.js';
import type { ApplyOptions, ResourceInput } from './resources/input.js';

export type { ApplyOptions, ResourceInput };

export interface CgroupRecord {
  version: 1 | 2;
  paths: Record<string, string>; // controller name -> absolute dir ("" = unified v2 / hybrid unified)
  /** directories that existed before create: destroy leaves them (someone else made them) */
  kept?: string[];
}

export interface CgroupManager {
  readonly version: 1 | 2;
  create(): void;              // mkdir the container's cgroup(s); idempotent; on v2 also enable the available controllers in every ancestor's cgroup.subtree_control
  applyResources(input: ResourceInput, opts: ApplyOptions): void; // write linux.resources (after create, before the process can run user code); throws ConfigError naming the field
  openForClone(): number;      // cgroup v2 directory fd usable with clone3 CLONE_INTO_CGROUP (pure v2 host), else -1
  addProcess(pid: number): void; // write pid to cgroup.procs of every hierarchy it manages (v1, hybrid unified, or v2 when openForClone wasn't used)
  pids(): number[];            // every pid in the container's cgroup(s), recursively (for kill --all)
  /** cgroups that existed before create(): destroy() leaves them */
  readonly kept: Set<string>;
  destroy(): void;             // rmdir bottom-up; tolerant of ENOENT; retries EBUSY briefly (processes just killed); removes only what create made (do not remove a pre-existing parent like /sys/fs/cgroup/cpu/user.slice)
  describe(): CgroupRecord;    // stored in state.json
  /** pause: freeze every process (v1 freezer.state FROZEN, v2 cgroup.freeze 1) and wait, bounded, until the kernel reports it; on timeout thaw again and throw */
  freeze(timeoutMs?: number): void;
  /** resume: v1 freezer.state THAWED, v2 cgroup.freeze 0 */
  thaw(): void;
  /** whether the cgroup is frozen now (what makes a live container "paused"); false without a freezer */
  isFrozen(): boolean;
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
  return managerFromRecord(r, fsRoot ?? DEFAULT_CGROUP_ROOT, files);
}
