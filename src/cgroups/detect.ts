// What cgroup layout this host has under a given root (/sys/fs/cgroup normally), read from
// /proc/self/mountinfo, and where this process sits in each hierarchy (/proc/self/cgroup).
// Both files come through a ProcReader so that tests can describe a fake host.

import { io } from '../sys/io.js';
import * as path from '../sys/posix-path.js';

export { DEFAULT_CGROUP_ROOT } from './placement.js';

export interface ProcReader {
  /** text of /proc/self/mountinfo */
  mountinfo(): string;
  /** text of /proc/self/cgroup */
  selfCgroup(): string;
}

export const hostProc: ProcReader = {
  mountinfo: () => io().readFile('/proc/self/mountinfo'),
  selfCgroup: () => io().readFile('/proc/self/cgroup'),
};

/** The v1 hierarchies runc places a container in; any other named hierarchy is left alone. */
export const V1_CONTROLLERS: readonly string[] = [
  'cpuset', 'devices', 'memory', 'cpu', 'cpuacct', 'pids', 'blkio', 'hugetlb', 'net_cls',
  'net_prio', 'perf_event', 'freezer', 'rdma', 'misc', 'name=systemd',
];

export interface Hierarchy {
  mountPoint: string;
  /** the cgroup the mount shows at its mount point (mountinfo field 4), "/" normally */
  root: string;
  /** v1 controller names this mount carries, in V1_CONTROLLERS order; [] for cgroup2 */
  controllers: string[];
}

export type HostLayout =
  | { version: 2; unified: Hierarchy }
  /** unified is set on a hybrid host: cgroup2 mounted at <root>/unified beside the v1 ones */
  | { version: 1; hierarchies: Hierarchy[]; unified?: Hierarchy };

export interface MountEntry {
  mountPoint: string;
  root: string;
  fsType: string;
  superOptions: string[];
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    if (left.length < 5 || right.length < 3) continue;
    out.push({
      mountPoint: unescapeMountField(left[4]!),
      root: unescapeMountField(left[3]!),
      fsType: right[0]!,
      superOptions: right[2]!.split(','),
    });
  }
  return out;
}

/**
 * /proc/self/cgroup as a map from controller name to cgroup path: "4:cpu,cpuacct:/a" gives
 * cpu and cpuacct, "1:name=systemd:/a" gives name=systemd, "0::/a" (cgroup2) gives "".
 */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const cgroupPath = line.slice(second + 1);
    for (const name of line.slice(first + 1, second).split(',')) out.set(name, cgroupPath);
  }
  return out;
}

/**
 * The layout under fsRoot. Pure v2: cgroup2 mounted at fsRoot itself (with cgroup.controllers).
 * v1: "cgroup" mounts directly below fsRoot, one per hierarchy (co-mounted controllers share
 * one, e.g. cpu,cpuacct); hybrid: v1 plus cgroup2 at fsRoot/unified.
 */
export function detectLayout(fsRoot: string, proc: ProcReader): HostLayout | undefined {
  // The last mount on a mount point is the visible one.
  const visible = new Map<string, MountEntry>();
  for (const m of parseMountinfo(proc.mountinfo())) {
    if (m.mountPoint === fsRoot || path.dirname(m.mountPoint) === fsRoot) {
      visible.delete(m.mountPoint); // keep mountinfo order for what is visible
      visible.set(m.mountPoint, m);
    }
  }

  const top = visible.get(fsRoot);
  if (top?.fsType === 'cgroup2' && io().exists(path.join(fsRoot, 'cgroup.controllers'))) {
    return { version: 2, unified: { mountPoint: fsRoot, root: top.root, controllers: [] } };
  }

  const hierarchies: Hierarchy[] = [];
  const taken = new Set<string>();
  let unified: Hierarchy | undefined;
  for (const m of visible.values()) {
    if (m.mountPoint === fsRoot) continue;
    if (m.fsType === 'cgroup2' && m.mountPoint === path.join(fsRoot, 'unified')) {
      unified = { mountPoint: m.mountPoint, root: m.root, controllers: [] };
    } else if (m.fsType === 'cgroup') {
      // A controller mounted twice counts once: the first mount wins, as in runc.
      const controllers = V1_CONTROLLERS.filter((c) => m.superOptions.includes(c) && !taken.has(c));
      if (!controllers.length) continue;
      for (const c of controllers) taken.add(c);
      hierarchies.push({ mountPoint: m.mountPoint, root: m.root, controllers });
    }
  }
  if (!hierarchies.length) return undefined; // a lone cgroup2 at <root>/unified is no layout runc knows
  return { version: 1, hierarchies, unified };
}
