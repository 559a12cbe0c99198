// What berth records about a container in <root>/<id>/state.json. Status is not stored: it is
// derived from the live process every time (status.ts). Besides what `state` prints, the
// record keeps the few facts of the config that later commands need without re-reading the
// bundle (which may have changed or gone since create).

import type { CgroupRecord } from '../cgroups/index.js';
import type { Hook, NamespaceType } from '../spec/types.js';

/** One entry of the config's linux.namespaces, as it was at create. */
export interface NamespaceRecord {
  type: NamespaceType;
  /** set when the container joined an existing namespace instead of creating one */
  path?: string;
}

export interface StoredState {
  /** the config's ociVersion */
  ociVersion: string;
  id: string;
  /** the init, in the runtime's pid namespace */
  pid: number;
  /** field 22 of /proc/<pid>/stat when the init was created: a reused pid never matches */
  pidStartTime: string;
  /** absolute bundle directory */
  bundle: string;
  /** absolute rootfs path on the host */
  rootfs: string;
  /** RFC 3339 with nanoseconds, UTC, as runc writes it (see time.ts) */
  created: string;
  /** runc keeps "" here and fills the owner in `list` from the state directory's uid */
  owner: string;
  annotations: Record<string, string>;
  /** the config had a process to run (process.args non-empty) */
  startable: boolean;
  /**
   * `start` released the init. Informational only (status never trusts it): the exec fifo's
   * absence is what marks a live init as running. Absent in records written before it existed.
   */
  started?: boolean;
  cgroup: CgroupRecord;
  /** hooks that run after create returns, copied from the config at create */
  hooks?: { poststart?: Hook[]; poststop?: Hook[] };
  /**
   * linux.namespaces at create. kill --all and delete need to know whether the container
   * has a pid namespace of its own (then the init's death takes every process with it);
   * exec will need the joined paths. Absent in older records: see hasOwnPidNamespace.
   */
  namespaces?: NamespaceRecord[];
  /**
   * Set when the container has no mount namespace: the id of the mount under the rootfs bind
   * that create made in the host's mount table, which delete detaches (shared-mount-ns.ts).
   */
  rootfsMountBelow?: number;
}

/**
 * Whether the container created its own pid namespace. When unknown (no record) the answer
 * is false, the cautious one: callers then signal every process in the cgroup instead of
 * relying on the init's death to end the others.
 */
export function hasOwnPidNamespace(st: Pick<StoredState, 'namespaces'>): boolean {
  return !!st.namespaces?.some((ns) => ns.type === 'pid' && !ns.path);
}
