// A container's cgroups as every command on an existing container sees them: where they are,
// the processes in them, freezing, and removing them again. This is all `kill` and `delete`
// need, so it is kept apart from the limits and statistics (index.ts's CgroupManager adds
// those, for create, update and events), which are most of the drivers' code: the first entry
// point of the executable then does not carry them (docs/ARCHITECTURE.md, "Start-up").

import { InvalidState } from '../errors.js';
import * as path from '../sys/posix-path.js';
import type { CgroupFiles } from './resources/files.js';
import { CgroupV1Placement } from './v1-base.js';
import { CgroupV2Placement } from './v2-base.js';

export const DEFAULT_CGROUP_ROOT = '/sys/fs/cgroup';

export interface CgroupRecord {
  version: 1 | 2;
  paths: Record<string, string>; // controller name -> absolute dir ("" = unified v2 / hybrid unified)
  /** directories that existed before create: destroy leaves them (someone else made them) */
  kept?: string[];
}

export interface CgroupPlacement {
  readonly version: 1 | 2;
  create(): void;              // mkdir the container's cgroup(s); idempotent; on v2 also enable the available controllers in every ancestor's cgroup.subtree_control
  openForClone(): number;      // cgroup v2 directory fd usable with clone3 CLONE_INTO_CGROUP (pure v2 host), else -1
  addProcess(pid: number): void; // write pid to cgroup.procs of every hierarchy it manages (v1, hybrid unified, or v2 when openForClone wasn't used)
  pids(): number[];            // every pid in the container's cgroup(s), recursively (for kill --all)
  /** cgroups that existed before create(): destroy() leaves them */
  readonly kept: Set<string>;
  destroy(): void;             // rmdir bottom-up; tolerant of ENOENT; retries EBUSY briefly (processes just killed); removes only what create made (do not remove a pre-existing parent like /sys/fs/cgroup/cpu/user.slice)
  /**
   * One rmdir of each cgroup create made, nothing else: true when all are gone and none was
   * kept, i.e. pids() could find no process. false leaves the rest to pids() and destroy().
   * (delete of a stopped container: its cgroups are normally empty, as runc assumes.)
   */
  removeIfEmpty(): boolean;
  describe(): CgroupRecord;    // stored in state.json
  /** pause: freeze every process (v1 freezer.state FROZEN, v2 cgroup.freeze 1) and wait, bounded, until the kernel reports it; on timeout thaw again and throw */
  freeze(timeoutMs?: number): void;
  /** resume: v1 freezer.state THAWED, v2 cgroup.freeze 0 */
  thaw(): void;
  /** whether the cgroup is frozen now (what makes a live container "paused"); false without a freezer */
  isFrozen(): boolean;
}

export interface DriverClasses<M extends CgroupPlacement> {
  v1: new (paths: Record<string, string>, files?: CgroupFiles) => M;
  v2: new (dir: string, mountPoint: undefined, files?: CgroupFiles) => M;
}

/**
 * state.json is ours, but destroy() removes what it names: refuse any path that is not a clean
 * absolute path strictly below fsRoot. `drivers` are the classes to build (index.ts passes the
 * ones with limits and statistics).
 */
export function managerFromRecord<M extends CgroupPlacement>(r: CgroupRecord, fsRoot: string, files: CgroupFiles | undefined, drivers: DriverClasses<M>): M {
  const root = path.resolve(fsRoot);
  const entries = Object.entries(r?.paths ?? {});
  for (const [key, dir] of entries) {
    if (typeof dir !== 'string' || !dir.startsWith('/') || path.resolve(dir) !== dir || !dir.startsWith(root + '/')) {
      throw new InvalidState(`state.json: cgroup path ${JSON.stringify(dir)} for "${key}" is not a directory below ${root}`);
    }
  }
  let m: M;
  if (r.version === 2) {
    const dir = r.paths[''];
    if (dir === undefined || entries.length !== 1) throw new InvalidState('state.json: a cgroup v2 record holds exactly one path, keyed ""');
    m = new drivers.v2(dir, undefined, files);
  } else if (r.version === 1) {
    m = new drivers.v1({ ...r.paths }, files);
  } else {
    throw new InvalidState(`state.json: unknown cgroup version ${JSON.stringify((r as { version?: unknown })?.version)}`);
  }
  for (const k of r.kept ?? []) m.kept.add(k);
  return m;
}

/** The recorded cgroups, for placing, listing, freezing and removing (no limits, no statistics). */
export function cgroupPlacementFromRecord(r: CgroupRecord, fsRoot?: string): CgroupPlacement {
  return managerFromRecord<CgroupPlacement>(r, fsRoot ?? DEFAULT_CGROUP_ROOT, undefined, { v1: CgroupV1Placement, v2: CgroupV2Placement });
}
