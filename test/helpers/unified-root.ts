// The v2 driver enables every controller in each ancestor's cgroup.subtree_control, the root
// of the hierarchy included. Tests on the host's real cgroup2 mount use this to give the root
// back exactly the controllers it had.

import fs from 'node:fs';
import path from 'node:path';

const CGROUP2_SUPER_MAGIC = 0x63677270;

/** True on a pure cgroup v2 host: /sys/fs/cgroup itself is the cgroup2 mount. */
export function pureV2(): boolean {
  try {
    return fs.statfsSync('/sys/fs/cgroup').type === CGROUP2_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/**
 * The cgroup2 mount the v2 tests use: /sys/fs/cgroup on a pure v2 host (the VM suite's guest),
 * the hybrid host's /sys/fs/cgroup/unified otherwise.
 */
export const V2_MOUNT = pureV2() ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';

export async function keepingRootControl<T>(root: string, body: () => T | Promise<T>): Promise<T> {
  const control = path.join(root, 'cgroup.subtree_control');
  const words = () => fs.readFileSync(control, 'utf8').trim().split(/\s+/).filter(Boolean);
  const before = words();
  try {
    return await body();
  } finally {
    for (const c of words()) if (!before.includes(c)) fs.writeFileSync(control, `-${c}`);
  }
}

/** For tests of the hybrid host's v1 hierarchies: true (after saying why) on a pure v2 host. */
export function skipOnPureV2(): boolean {
  if (!pureV2()) return false;
  console.log('  skipped: cgroup v1 behaviour, and this host is pure cgroup v2');
  return true;
}
