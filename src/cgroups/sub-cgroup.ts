// exec --cgroup: the process goes into an existing sub-cgroup of the container's, given as
// PATH (every hierarchy) or CONTROLLER[,CONTROLLER...]:PATH (those only), as runc accepts it.

import * as path from '../sys/posix-path.js';
import { UsageError } from '../errors.js';
import type { CgroupRecord } from './index.js';

/** The container's record with the named sub-cgroups' directories in place of its own. */
export function subCgroupRecord(rec: CgroupRecord, specs: readonly string[]): CgroupRecord {
  const paths = { ...rec.paths };
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    const sub = colon < 0 ? spec : spec.slice(colon + 1);
    const controllers = colon < 0 ? Object.keys(rec.paths) : spec.slice(0, colon).split(',');
    const clean = path.normalize('/' + sub).slice(1);
    if (!clean || sub.split('/').includes('..')) throw new UsageError(`--cgroup ${JSON.stringify(spec)}: the sub-cgroup must be a path inside the container's cgroup`);
    for (const c of controllers) {
      const key = rec.version === 2 || c === 'unified' ? (rec.paths[c] !== undefined ? c : '') : c;
      const base = rec.paths[key];
      if (base === undefined) throw new UsageError(`--cgroup ${JSON.stringify(spec)}: the container has no cgroup for controller ${JSON.stringify(c)}`);
      paths[key] = path.join(base, clean);
    }
  }
  return { version: rec.version, paths };
}
