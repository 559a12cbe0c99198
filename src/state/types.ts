// What berth records about a container in <root>/<id>/state.json. Status is not stored: it is
// derived from the live process every time (status.ts).

import type { CgroupRecord } from '../cgroups/index.js';
import type { Hook } from '../spec/types.js';

export interface StoredState {
  ociVersion: string;
  id: string;
  /** the init, in the runtime's pid namespace */
  pid: number;
  /** field 22 of /proc/<pid>/stat when the init was created: a reused pid never matches */
  pidStartTime: string;
  bundle: string;
  rootfs: string;
  /** RFC 3339 */
  created: string;
  owner: string;
  annotations: Record<string, string>;
  /** the config had a process to run (process.args non-empty) */
  startable: boolean;
  cgroup: CgroupRecord;
  hooks?: { poststart?: Hook[]; poststop?: Hook[] };
}
