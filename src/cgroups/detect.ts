// Which cgroup hierarchies this host has, read from /proc/self/mountinfo, and where this
// process sits in each (/proc/self/cgroup).

import fs from 'node:fs';

export interface Hierarchy {
  /** "cpu,cpuacct", "name=systemd", or "" for a cgroup2 hierarchy */
  key: string;
  mountPoint: string;
  v2: boolean;
}

const NON_CONTROLLER_OPTIONS = new Set(['rw', 'ro', 'relatime', 'noatime', 'nosuid', 'nodev', 'noexec', 'xattr', 'clone_children', 'noprefix', 'cpuset_v2_mode']);

export function parseMountinfo(text: string, fsRoot: string): Hierarchy[] {
  const out: Hierarchy[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const mountPoint = left[4] ?? '';
    const fstype = right[0];
    if (mountPoint !== fsRoot && !mountPoint.startsWith(fsRoot + '/')) continue;
    if (fstype === 'cgroup2') {
      out.push({ key: '', mountPoint, v2: true });
    } else if (fstype === 'cgroup') {
      const key = (right[2] ?? '').split(',').filter((o) => !NON_CONTROLLER_OPTIONS.has(o) && !o.startsWith('release_agent=')).join(',');
      if (key) out.push({ key, mountPoint, v2: false });
    }
  }
  return out;
}

export function detectHierarchies(fsRoot: string): Hierarchy[] {
  return parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'), fsRoot);
}

/** This process's cgroup in hierarchy h, from /proc/self/cgroup. */
export function ownCgroup(h: Hierarchy, text = fs.readFileSync('/proc/self/cgroup', 'utf8')): string {
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const p = line.slice(second + 1);
    if (h.v2 ? controllers === '' : sameSet(controllers, h.key)) return p || '/';
  }
  return '/';
}

function sameSet(a: string, b: string): boolean {
  const x = a.split(',').sort().join(',');
  const y = b.split(',').sort().join(',');
  return x === y;
}
