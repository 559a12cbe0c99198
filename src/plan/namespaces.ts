// Decides how the child gets its namespaces: created by clone3 directly (the fast path), or
// joined with setns / created with unshare inside the child, which then forks so the
// container's init really is inside a joined or new pid (or time) namespace.

import { ConfigError } from '../errors.js';
import type { Namespace, NamespaceType, Spec } from '../spec/types.js';
import { CLONE } from './linux-constants.js';

export const NAMESPACE_FLAG: Record<NamespaceType, number> = {
  pid: CLONE.NEWPID,
  network: CLONE.NEWNET,
  mount: CLONE.NEWNS,
  ipc: CLONE.NEWIPC,
  uts: CLONE.NEWUTS,
  user: CLONE.NEWUSER,
  cgroup: CLONE.NEWCGROUP,
  time: CLONE.NEWTIME,
};

/** The names under /proc/<pid>/ns/ for each spec namespace type. */
export const NAMESPACE_PROC_NAME: Record<NamespaceType, string> = {
  pid: 'pid',
  network: 'net',
  mount: 'mnt',
  ipc: 'ipc',
  uts: 'uts',
  user: 'user',
  cgroup: 'cgroup',
  time: 'time',
};

/** setns order: the user namespace first (it owns the rest), the mount namespace last. */
export const JOIN_ORDER: readonly NamespaceType[] = ['user', 'ipc', 'uts', 'network', 'pid', 'time', 'cgroup', 'mount'];

export interface NamespaceJoin {
  type: NamespaceType;
  path: string;
  /** index in linux.namespaces, for error messages */
  index: number;
}

export interface NamespaceDecision {
  /** flags passed to clone3 */
  cloneFlags: number;
  /** flags passed to unshare() in the child, after the joins */
  unshareFlags: number;
  /** namespaces joined by path, in setns order */
  joins: NamespaceJoin[];
  /** whether the child must fork so its child is the container init */
  fork: boolean;
  /** which namespace types the container gets new */
  created: Set<NamespaceType>;
  /** the cgroup namespace has to wait until the process is in its cgroup */
  cgroupAfterPlacement: boolean;
  /** no mount namespace entry: the container shares the runtime's mount table (and chroots) */
  sharesMountNs: boolean;
}

export function namespacesOf(spec: Spec): Namespace[] {
  return spec.linux?.namespaces ?? [];
}

/**
 * @param cloneIntoCgroup the kernel places the child into its cgroup at clone time (cgroup v2
 *   with CLONE_INTO_CGROUP), so a new cgroup namespace can be created by clone3 itself.
 */
export function decideNamespaces(spec: Spec, cloneIntoCgroup: boolean): NamespaceDecision {
  const created = new Set<NamespaceType>();
  const joins: NamespaceJoin[] = [];
  namespacesOf(spec).forEach((ns, index) => {
    if (ns.path) joins.push({ type: ns.type, path: ns.path, index });
    else created.add(ns.type);
  });
  const sharesMountNs = !created.has('mount') && !joins.some((j) => j.type === 'mount');
  joins.sort((a, b) => JOIN_ORDER.indexOf(a.type) - JOIN_ORDER.indexOf(b.type));

  // The fast path: every namespace is new and none needs the child to act first.
  const needsFork = joins.some((j) => j.type === 'pid' || j.type === 'time') || created.has('time');
  const cgroupAfterPlacement = created.has('cgroup') && !cloneIntoCgroup;
  let cloneFlags = 0;
  let unshareFlags = 0;
  for (const type of created) {
    const flag = NAMESPACE_FLAG[type];
    if (type === 'user') {
      cloneFlags |= flag; // maps are written by the parent for the clone child
    } else if (joins.length === 0 && !needsFork && !(type === 'cgroup' && cgroupAfterPlacement)) {
      cloneFlags |= flag;
    } else {
      unshareFlags |= flag;
    }
  }
  // A joined user namespace must own the new ones, so nothing but user may be cloned then.
  if (joins.some((j) => j.type === 'user') && created.has('user')) {
    throw new ConfigError('/linux/namespaces', 'the user namespace is both created and joined');
  }
  const pidNew = (unshareFlags & CLONE.NEWPID) !== 0;
  return { cloneFlags, unshareFlags, joins, fork: needsFork || pidNew, created, cgroupAfterPlacement, sharesMountNs };
}
