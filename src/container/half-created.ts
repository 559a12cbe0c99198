// A container directory without state.json belongs to a create that is still running, or to
// one that was killed before it finished. create holds the container's lock from making the
// directory until it returns (and its child drops its copy of the lock at once), so a lock
// that can be taken means nobody is creating that container any more: the directory is a
// leftover that may be removed, by \`delete --force\` or by a new create of the same id.

import { BerthError, ContainerNotFound } from '../errors.js';
import { lockContainer } from '../state/lock.js';
import type { StateStore } from '../state/store.js';

/** Removes a leftover half-created directory; false when there is none. Throws while a create runs. */
export function removeHalfCreated(store: StateStore, id: string): boolean {
  if (!store.hasDir(id) || store.hasState(id)) return false;
  let lock;
  try {
    lock = lockContainer(store, id, { nonBlocking: true });
  } catch (err) {
    if (err instanceof ContainerNotFound) return false;
    throw new BerthError(`container ${id} is still being created`);
  }
  try {
    if (store.hasState(id)) return false; // the create finished just before we took the lock
    store.remove(id);
    return true;
  } finally {
    lock.release();
  }
}
