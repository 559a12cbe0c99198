// The status of a stored container, derived from the live system every time: the init and
// the exec fifo (state/status.ts), and the freezer: a live container whose cgroup is frozen is
// "paused", as runc reports it. Pausing is not recorded anywhere, so a container thawed by
// someone else is simply running again.

import { cgroupPlacementFromRecord } from '../cgroups/placement.js';
import { containerStatus, type Status } from '../state/status.js';
import type { StateStore } from '../state/store.js';
import type { StoredState } from '../state/types.js';

export type { Status };

export function statusOf(store: StateStore, st: StoredState): Status {
  // containerStatus looks for the exec fifo only when the init lives: `delete` of a stopped
  // container (and `list`'s stopped rows) skip that lookup.
  const live = containerStatus(st, store.fifoPath(st.id));
  if (live === 'stopped') return live;
  return isFrozen(st) ? 'paused' : live;
}

function isFrozen(st: StoredState): boolean {
  try {
    return cgroupPlacementFromRecord(st.cgroup).isFrozen();
  } catch {
    return false; // a record without usable cgroup paths cannot have been paused by berth
  }
}
