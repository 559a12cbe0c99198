// What a container can leave on the host, looked up from outside: entries under --root,
// cgroup directories in every hierarchy (v1 controllers and the unified mount), host mounts
// under given paths, and processes tied to it by their cgroup or by a tag in their environment.
// The fault and load tests assert that all of it is empty after `delete --force`.

import fs from 'node:fs';
import path from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Every cgroup hierarchy mounted here: v1 controllers, the hybrid unified mount, or the v2 root. */
export function cgroupHierarchies(): string[] {
  const out = new Set<string>();
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-');
    if (sep < 0) continue;
    const type = f[sep + 1];
    if ((type === 'cgroup' || type === 'cgroup2') && f[4]!.startsWith(CGROUP_ROOT)) out.add(f[4]!);
  }
  return [...out].sort();
}

/** The directories named `name` (a cgroupsPath relative to a hierarchy's root) that exist. */
export function cgroupDirsLeft(cgroupsPath: string): string[] {
  return cgroupHierarchies()
    .map((h) => path.join(h, cgroupsPath))
    .filter((d) => fs.existsSync(d));
}

/**
 * Cgroup directories, in every hierarchy, whose name contains `id`, down to `maxDepth` levels
 * below the hierarchy's root: for a refused create, whose cgroupsPath may be anything.
 */
export function cgroupDirsNamed(id: string, maxDepth = 4): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > maxDepth) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = path.join(dir, e.name);
      if (e.name.includes(id)) found.push(p);
      walk(p, depth + 1);
    }
  };
  for (const h of cgroupHierarchies()) walk(h, 0);
  return found;
}

/** Entries under the state root (the root itself may be gone or empty). */
export function rootEntries(root: string): string[] {
  try {
    return fs.readdirSync(root);
  } catch {
    return [];
  }
}

/** Host mount points at or under any of `dirs`. */
export function mountsUnder(dirs: string[]): string[] {
  const out: string[] = [];
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mp = line.split(' ')[4];
    if (mp && dirs.some((d) => mp === d || mp.startsWith(d + '/'))) out.push(mp);
  }
  return out;
}

/**
 * Live processes (zombies are not: they hold nothing but a pid, and their reaper is whoever
 * adopted them) whose environment holds `tag` or whose /proc/PID/cgroup names `cgroupsPath`.
 * Each entry says why, for the failure message.
 */
export function processesTiedTo(tag: string, cgroupsPath: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const read = (f: string) => {
      try {
        return fs.readFileSync(`/proc/${name}/${f}`, 'latin1');
      } catch {
        return '';
      }
    };
    const stat = read('stat');
    if (!stat || / Z /.test(stat.slice(stat.lastIndexOf(')')))) continue;
    const cmd = read('cmdline').replace(/\0/g, ' ').trim();
    if (read('environ').includes(tag)) out.push(`${name} (${cmd}): environment has ${tag}`);
    else if (read('cgroup').split('\n').some((l) => l.endsWith(cgroupsPath) || l.includes(cgroupsPath + '/'))) out.push(`${name} (${cmd}): in cgroup ${cgroupsPath}`);
  }
  return out;
}

/** Descriptors open in process `pid` (count). */
export function fdCount(pid: number | 'self'): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}
