// Where the container's cgroup is, following runc's cgroupfs driver:
// - an absolute cgroupsPath is taken from the root of each hierarchy (as this process's mount
//   and cgroup namespaces show it);
// - a relative one from the runtime's own cgroup in that hierarchy (on pure cgroup v2, from
//   the parent of the runtime's cgroup: the runtime's own cgroup has processes, so it could not
//   delegate controllers to a child later);
// - none means the container id, relative.

import * as path from '../sys/posix-path.js';
import { BerthError, ConfigError } from '../errors.js';
import type { Hierarchy } from './detect.js';

const FIELD = '/linux/cgroupsPath';

/** cgroupsPath cleaned as runc does: "/a/../b" -> "/b"; a relative path cannot climb out ("../x" -> "x"). */
export function innerCgroupPath(cgroupsPath: string | undefined, id: string): string {
  const given = cgroupsPath ?? '';
  if (given.startsWith('/')) {
    const clean = path.resolve(given);
    // The hierarchy roots hold every process on the host; destroy() would try to remove them.
    if (clean === '/') throw new ConfigError(FIELD, 'names the root cgroup; give a cgroup below it');
    return clean;
  }
  const clean = path.resolve('/', given || id).slice(1);
  if (!clean) throw new ConfigError(FIELD, `"${given}" names the runtime's own cgroup; give a cgroup below it`);
  return clean;
}

/**
 * The container's directory in hierarchy h. `own` is the runtime's cgroup in h as
 * /proc/self/cgroup shows it; it is only read for a relative inner path.
 */
export function cgroupDirIn(h: Hierarchy, inner: string, own: () => string): string {
  if (inner.startsWith('/')) return path.join(h.mountPoint, inner);
  // /proc/self/cgroup shows host paths even where the mount shows only a subtree (a container
  // that bind-mounted its own cgroup): take the part below the mount's root.
  const ownPath = own();
  const rel = path.relative(h.root, ownPath);
  if (rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) {
    throw new BerthError(
      `cannot place a relative cgroupsPath: this process's cgroup ${ownPath} is not visible under ${h.mountPoint} (which shows ${h.root}); use an absolute cgroupsPath`,
    );
  }
  return path.join(h.mountPoint, rel, inner);
}
