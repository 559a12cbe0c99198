// Picks the driver for this host and works out the container's directories (cgroupManagerFor).
// Rebuilding one from what state.json recorded is placement.ts's managerFromRecord.

import * as path from '../sys/posix-path.js';
import { BerthError } from '../errors.js';
import type { CgroupManager } from './index.js';
import { DEFAULT_CGROUP_ROOT, detectLayout, parseProcCgroup, type ProcReader } from './detect.js';
import { cgroupDirIn, innerCgroupPath } from './path.js';
import { CgroupV1 } from './v1.js';
import { CgroupV2 } from './v2.js';
import type { CgroupFiles } from './resources/files.js';

export interface CgroupOptions {
  id: string;
  cgroupsPath?: string;
  systemd?: boolean;
  fsRoot?: string;
  /** how cgroup files are written (tests write into a fake tree) */
  files?: CgroupFiles;
}

export function buildCgroupManager(opts: CgroupOptions, proc: ProcReader): CgroupManager {
  if (opts.systemd) throw new BerthError('systemd cgroup driver is not supported yet');
  const fsRoot = path.resolve(opts.fsRoot ?? DEFAULT_CGROUP_ROOT);
  const layout = detectLayout(fsRoot, proc);
  if (!layout) throw new BerthError(`no cgroup hierarchy is mounted at ${fsRoot}`);
  const inner = innerCgroupPath(opts.cgroupsPath, opts.id);

  let own: Map<string, string> | undefined;
  const ownCgroup = (controller: string) => (): string => {
    own ??= parseProcCgroup(proc.selfCgroup());
    const p = own.get(controller);
    if (p === undefined) throw new BerthError(`/proc/self/cgroup does not list ${controller ? `the ${controller} controller` : 'the cgroup2 hierarchy'}`);
    return p;
  };

  if (layout.version === 2) {
    // runc takes a relative path from the parent of its own v2 cgroup (see path.ts).
    const parentOfOwn = () => path.dirname(ownCgroup('')());
    return new CgroupV2(cgroupDirIn(layout.unified, inner, parentOfOwn), layout.unified.mountPoint, opts.files);
  }

  const paths: Record<string, string> = {};
  for (const h of layout.hierarchies) {
    const dir = cgroupDirIn(h, inner, ownCgroup(h.controllers[0]!));
    for (const c of h.controllers) paths[c] = dir;
  }
  if (layout.unified) paths[''] = cgroupDirIn(layout.unified, inner, ownCgroup(''));
  return new CgroupV1(paths, opts.files, layout.unified?.mountPoint);
}
