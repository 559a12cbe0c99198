// linux.resources.unified on a cgroup v1 host. Its keys name cgroup2 files. A hybrid host has a
// cgroup2 hierarchy beside the v1 ones (<root>/unified) that may hold some controllers (hugetlb,
// say): a key of such a controller, or of the cgroup core itself, is written to the container's
// cgroup there. Any other key is refused, naming it: its controller is on v1, where the file
// does not exist, and dropping a limit silently would be worse. runc refuses every key on such
// hosts ("cannot use unified on cgroup v1").

import { ConfigError } from '../../errors.js';
import { pointer } from '../../spec/json-pointer.js';
import { enableControllers } from '../v2-base.js';
import { CgroupDir, type CgroupFiles } from './files.js';

/** Where the hybrid host's cgroup2 hierarchy is mounted, and the container's cgroup in it. */
export interface HybridUnified {
  mountPoint: string;
  dir: string;
}

/** "hugetlb.2MB.max" -> "hugetlb"; the cgroup core's own files ("cgroup.*") need no controller. */
function controllerOf(key: string): string | undefined {
  const c = key.split('.')[0]!;
  return c === 'cgroup' ? undefined : c;
}

/**
 * Throws, naming the first key that cannot be written on this host, before anything is
 * written anywhere. `unified` undefined: a pure v1 host, which has no cgroup2 files at all.
 */
export function checkUnifiedOnV1(keys: readonly string[], unified: HybridUnified | undefined, files: CgroupFiles): void {
  if (!keys.length) return;
  const at = (key: string) => pointer('linux', 'resources', 'unified', key);
  if (!unified) throw new ConfigError(at(keys[0]!), 'names a cgroup v2 file, but this host has only cgroup v1 hierarchies');
  const onV2 = (files.read(`${unified.mountPoint}/cgroup.controllers`) ?? '').split(/\s+/).filter(Boolean);
  for (const key of keys) {
    const c = controllerOf(key);
    if (c !== undefined && !onV2.includes(c)) {
      throw new ConfigError(
        at(key),
        `the ${c} controller is on cgroup v1 on this host, not on its cgroup2 hierarchy ${unified.mountPoint} (which has: ${onV2.join(' ') || 'none'}); set it with the v1 fields instead`,
      );
    }
  }
}

/** Writes the keys (already checked) into the container's cgroup on the hybrid cgroup2 hierarchy. */
export function applyUnifiedOnV1(values: Readonly<Record<string, string>>, unified: HybridUnified, files: CgroupFiles): void {
  // Only now, and only when asked for: the ancestors must delegate the controllers (as on v2).
  enableControllers(unified.mountPoint, unified.dir, files);
  const dir = new CgroupDir(unified.dir, files);
  for (const key of Object.keys(values)) {
    if (!dir.has(key)) throw new ConfigError(pointer('linux', 'resources', 'unified', key), `${dir.file(key)} does not exist`);
  }
  for (const [key, value] of Object.entries(values)) dir.write(pointer('linux', 'resources', 'unified', key), key, value);
}
