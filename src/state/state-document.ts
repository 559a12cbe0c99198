// The JSON `berth state` and `berth list --format json` print: runtime.md's state plus runc's
// extra fields, in the order runc 1.1 prints them (checked against `runc state` on a busybox
// container): ociVersion, id, pid, status, bundle, rootfs, created, annotations (only when
// there are some), owner. pid is 0 once the container has stopped, as with runc.

import type { Status } from './status.js';
import type { StoredState } from './types.js';

export interface StateDocument {
  ociVersion: string;
  id: string;
  pid: number;
  status: Status;
  bundle: string;
  rootfs: string;
  created: string;
  annotations?: Record<string, string>;
  owner: string;
}

export function stateDocument(st: StoredState, status: Status, owner: string = st.owner ?? ''): StateDocument {
  const annotations = st.annotations && Object.keys(st.annotations).length ? { annotations: st.annotations } : {};
  return {
    ociVersion: st.ociVersion,
    id: st.id,
    pid: status === 'stopped' ? 0 : st.pid,
    status,
    bundle: st.bundle,
    rootfs: st.rootfs,
    created: st.created,
    ...annotations,
    owner,
  };
}
