// `state` and `list`: stored containers with their live status.

import { stateDocument, type StateDocument } from '../state/state-document.js';
import { StateStore } from '../state/store.js';
import { statusOf } from './status.js';

export function containerState(root: string, id: string): StateDocument {
  const store = new StateStore(root);
  const st = store.read(id);
  return stateDocument(st, statusOf(store, st));
}

export function listContainers(root: string): StateDocument[] {
  const store = new StateStore(root);
  const out: StateDocument[] = [];
  for (const id of store.list()) {
    try {
      const st = store.read(id);
      out.push(stateDocument(st, statusOf(store, st)));
    } catch {
      // removed while listing, or half-created by a concurrent create
    }
  }
  return out;
}
