// cgroupsPath as runc reads it for the cgroupfs driver: an absolute path is taken from the
// root of each hierarchy, a relative one from the runtime's own cgroup; none means <id>,
// relative (what runc 1.1 does: seen here as memory:/process_api/<hash>/<id>).

import path from 'node:path';

export function containerCgroupPath(cgroupsPath: string | undefined, id: string): string {
  if (!cgroupsPath) return id;
  const clean = path.posix.normalize(cgroupsPath);
  if (clean.startsWith('/')) return clean;
  // A relative path may not climb out of the runtime's own cgroup.
  return path.posix.normalize('/' + clean).slice(1);
}
