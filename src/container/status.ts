// The status of a stored container, derived from the live system every time.

import fs from 'node:fs';
import { deriveStatus } from '../state/status.js';
import type { StateStore } from '../state/store.js';
import type { StoredState } from '../state/types.js';

export type Status = 'created' | 'running' | 'stopped';

export function statusOf(store: StateStore, st: StoredState): Status {
  return deriveStatus(st, fs.existsSync(store.fifoPath(st.id)));
}
