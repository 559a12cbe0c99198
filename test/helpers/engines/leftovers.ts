// What a scenario may not leave behind: state under the runtime's root (but for berth's
// seccomp program cache, which is the root's), a cgroup below the
// engine's cgroup parent, a mount under the engine's directory, a process naming that
// directory (a shim, conmon, a runtime, a container's init). A snapshot is taken before the
// scenario; afterwards everything new is a leftover.

import fs from 'node:fs';
import path from 'node:path';
import { CACHE_DIR } from '../../../src/seccomp/cache.js';
import { sleepMs } from './run-cmd.js';

export interface Watched {
  /** Directories the runtime keeps container state in (its --root). */
  runtimeRoots: string[];
  /** Cgroup paths (below every hierarchy) the engine puts containers under. */
  cgroupParents: string[];
  /** The engine's private directory: mounts below it and processes naming it are tracked. */
  dir: string;
  /** What the engine itself keeps between containers (podman's conmon cgroup, its storage mount). */
  ignore?: RegExp;
}

type Snapshot = Set<string>;

const cgroupRoot = '/sys/fs/cgroup';

export function snapshot(w: Watched): Snapshot {
  const items = new Set<string>();
  // The compiled seccomp programs belong to the root, not to a container (src/seccomp/cache.ts).
  const cached = (e: string) => e.split('/').includes(CACHE_DIR);
  for (const root of w.runtimeRoots) for (const e of walk(root, 2, false)) if (!cached(e)) items.add(`state ${e}`);
  for (const h of hierarchies()) {
    for (const parent of w.cgroupParents) for (const d of walk(path.join(h, parent), 8, true)) items.add(`cgroup ${d}`);
  }
  for (const m of mountsUnder(w.dir)) items.add(`mount ${m}`);
  for (const p of processesNaming(w.dir)) items.add(`process ${p}`);
  return items;
}

/**
 * What exists now and did not in `before`, waiting up to `ms` for it to go: engines remove a
 * container's state and cgroup a moment after the client returns.
 */
export function leftoversSince(w: Watched, before: Snapshot, ms = 10_000): string[] {
  const end = Date.now() + ms;
  for (;;) {
    const fresh = [...snapshot(w)].filter((i) => !before.has(i) && !w.ignore?.test(i));
    if (fresh.length === 0 || Date.now() > end) return fresh;
    sleepMs(200);
  }
}

/** Removes the (empty) cgroup parents from every hierarchy, deepest first. */
export function removeCgroupParents(parents: string[]): void {
  for (const h of hierarchies()) {
    for (const parent of parents) {
      const dirs = walk(path.join(h, parent), 8, true);
      dirs.push(path.join(h, parent));
      for (const d of dirs.sort((a, b) => b.length - a.length)) {
        try {
          fs.rmdirSync(d);
        } catch {
          // not there, or still populated (then the leftover check already said so)
        }
      }
    }
  }
}

function hierarchies(): string[] {
  try {
    const names = fs.readdirSync(cgroupRoot);
    // Pure cgroup v2: the root itself is the only hierarchy.
    if (names.includes('cgroup.controllers')) return [cgroupRoot];
    return names.map((n) => path.join(cgroupRoot, n)).filter((p) => fs.statSync(p).isDirectory());
  } catch {
    return [];
  }
}

/** Absolute paths below `dir` (only directories when `dirsOnly`), `depth` levels deep. */
function walk(dir: string, depth: number, dirsOnly: boolean): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (dirsOnly && !e.isDirectory()) continue;
    const p = path.join(dir, e.name);
    out.push(p);
    if (depth > 1 && e.isDirectory()) out.push(...walk(p, depth - 1, dirsOnly));
  }
  return out;
}

export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((mp): mp is string => mp !== undefined && (mp === dir || mp.startsWith(prefix)));
}

function processesNaming(dir: string): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    let cmd: string;
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (cmd.includes(dir)) out.push(`${pid} ${cmd}`);
  }
  return out;
}
