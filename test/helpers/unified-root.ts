// The v2 driver enables every controller in each ancestor's cgroup.subtree_control, the root
// of the hierarchy included. Tests on the host's real cgroup2 mount use this to give the root
// back exactly the controllers it had.

import fs from 'node:fs';
import path from 'node:path';

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
