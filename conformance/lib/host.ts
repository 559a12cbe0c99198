// Facts about the host the checks compare against: the caller's namespaces, how cgroups are
// mounted, which capabilities exist here at all.

import fs from 'node:fs';
import path from 'node:path';
import { parseCapHex } from './caps.js';
import { parseMountinfo } from './mountinfo.js';

export const NS_TYPES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts'] as const;
export type NsFile = (typeof NS_TYPES)[number];

/** The /proc/PID/ns file name for each config namespace type. */
export const NS_FILE: Record<string, NsFile> = {
  pid: 'pid', network: 'net', mount: 'mnt', ipc: 'ipc', uts: 'uts', user: 'user', cgroup: 'cgroup', time: 'time',
};

export function namespacesOf(pid: number | 'self'): Partial<Record<NsFile, string>> {
  const out: Partial<Record<NsFile, string>> = {};
  for (const t of NS_TYPES) {
    try {
      out[t] = fs.readlinkSync(`/proc/${pid}/ns/${t}`);
    } catch {
      /* kernel without that namespace type */
    }
  }
  return out;
}

export interface CgroupLayout {
  /** v1 hierarchies by controller name (and "name=systemd") -> mount point. */
  v1: Map<string, string>;
  /** Mount point of the cgroup2 hierarchy, if any. */
  unified?: string;
  /** Controllers available on the cgroup2 hierarchy. */
  unifiedControllers: string[];
}

export function cgroupLayout(): CgroupLayout {
  const v1 = new Map<string, string>();
  let unified: string | undefined;
  for (const m of parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'))) {
    if (m.fsType === 'cgroup') {
      for (const opt of m.superOptions) {
        if (opt === 'rw' || opt === 'ro' || opt.startsWith('release_agent') || opt === 'clone_children') continue;
        v1.set(opt, m.mountPoint);
      }
    } else if (m.fsType === 'cgroup2') {
      unified = m.mountPoint;
    }
  }
  let unifiedControllers: string[] = [];
  if (unified) {
    try {
      unifiedControllers = fs.readFileSync(path.join(unified, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      unifiedControllers = [];
    }
  }
  return { v1, unified, unifiedControllers };
}

/** Capabilities this host can grant at all (our own bounding set). */
export function hostBoundingSet(): bigint {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const m = /^CapBnd:\s*([0-9a-f]+)/m.exec(status);
  return parseCapHex(m?.[1]) ?? 0n;
}

/** Start time of a process (field 22 of /proc/PID/stat), to tell a pid from its reuse. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie. */
export function processAlive(pid: number, startTime?: string): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z' || rest[0] === 'X') return false;
    return startTime === undefined || rest[19] === startTime;
  } catch {
    return false;
  }
}

/** hierarchy (controller list as in /proc/PID/cgroup, "" for cgroup2) -> cgroup path. */
export function cgroupsOf(pid: number | 'self'): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

/** The path for `controller` in a cgroupsOf() map, also when hierarchies are co-mounted (cpu,cpuacct). */
export function cgroupPathFor(map: Map<string, string>, controller: string): string | undefined {
  for (const [hier, p] of map) if (hier.split(',').includes(controller)) return p;
  return undefined;
}
