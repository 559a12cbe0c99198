// The JSON `berth state` prints: runtime.md's state plus runc's extra fields, in runc's order.

import type { StoredState } from './types.js';

export interface StateDocument {
  ociVersion: string;
  id: string;
  pid: number;
  status: 'created' | 'running' | 'stopped';
  bundle: string;
  rootfs: string;
  created: string;
  owner: string;
  annotations?: Record<string, string>;
}

export function stateDocument(st: StoredState, status: StateDocument['status']): StateDocument {
  const doc: StateDocument = {
    ociVersion: st.ociVersion,
    id: st.id,
    pid: status === 'stopped' ? 0 : st.pid,
    status,
    bundle: st.bundle,
    rootfs: st.rootfs,
    created: st.created,
    owner: st.owner,
  };
  if (st.annotations && Object.keys(st.annotations).length) doc.annotations = st.annotations;
  return doc;
}
