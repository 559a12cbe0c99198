// Cgroup placement behind one interface, one driver per cgroup version (v1.ts, v2.ts).
// Hybrid hosts (v1 controllers plus cgroup2 at <root>/unified) use the v1 driver, which also
// places the process in the unified hierarchy, as runc does.

import { BerthError } from '../errors.js';
import { detectHierarchies, ownCgroup, type Hierarchy } from './detect.js';
import { containerCgroupPath } from './path.js';
import { CgroupDirs } from './dirs.js';

export interface CgroupRecord {
  version: 1 | 2;
  /** hierarchy key (controller list such as "cpu,cpuacct", "name=systemd", "" for cgroup2) -> dir */
  paths: Record<string, string>;
  /** directories create() made, deepest last; destroy() removes exactly these */
  created?: string[];
}

export interface CgroupManager {
  readonly version: 1 | 2;
  create(): void;
  /** cgroup2 directory fd for clone3(CLONE_INTO_CGROUP) on a pure v2 host, else -1 */
  openForClone(): number;
  addProcess(pid: number): void;
  pids(): number[];
  destroy(): void;
  describe(): CgroupRecord;
}

export interface CgroupOptions {
  id: string;
  cgroupsPath?: string;
  systemd?: boolean;
  fsRoot?: string;
}

export function cgroupManagerFor(opts: CgroupOptions): CgroupManager {
  if (opts.systemd) throw new BerthError('--systemd-cgroup: the systemd cgroup driver is not supported yet');
  const fsRoot = opts.fsRoot ?? '/sys/fs/cgroup';
  const hierarchies: Hierarchy[] = detectHierarchies(fsRoot);
  if (!hierarchies.length) throw new BerthError(`no cgroup hierarchy is mounted under ${fsRoot}`);
  const inner = containerCgroupPath(opts.cgroupsPath, opts.id);
  const paths: Record<string, string> = {};
  for (const h of hierarchies) paths[h.key] = h.mountPoint + containerCgroupPathFor(inner, h);
  const version = hierarchies.length === 1 && hierarchies[0]!.v2 ? 2 : 1;
  return new CgroupDirs({ version, paths }, hierarchies);
}

function containerCgroupPathFor(inner: string, h: Hierarchy): string {
  if (inner.startsWith('/')) return inner;
  const own = ownCgroup(h);
  return (own === '/' ? '' : own) + '/' + inner;
}

export function cgroupManagerFromRecord(r: CgroupRecord): CgroupManager {
  return new CgroupDirs(r, []);
}
