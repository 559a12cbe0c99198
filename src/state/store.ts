// The state store under --root: one directory per container holding state.json (replaced
// atomically), the exec fifo and a lock file. Creating the directory is the atomic claim on
// an id: of two concurrent creates, exactly one mkdir succeeds.

import fs from 'node:fs';
import path from 'node:path';
import { BerthError, ContainerNotFound } from '../errors.js';
import { validateId } from './id.js';
import type { StoredState } from './types.js';

const STATE_FILE = 'state.json';

export class StateStore {
  constructor(readonly root: string) {}

  dir(id: string): string {
    validateId(id);
    return path.join(this.root, id);
  }

  fifoPath(id: string): string {
    return path.join(this.dir(id), 'exec.fifo');
  }

  lockPath(id: string): string {
    return path.join(this.dir(id), 'lock');
  }

  /** Claims the id. Throws when a container with this id exists. */
  createDir(id: string): void {
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
    try {
      fs.mkdirSync(this.dir(id), { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BerthError(`container with id exists: ${id}`);
      throw err;
    }
  }

  read(id: string): StoredState {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.dir(id), STATE_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ContainerNotFound(id);
      throw err;
    }
    return JSON.parse(text) as StoredState;
  }

  /**
   * Atomic replace: write a temporary file, then rename it over state.json, so a concurrent
   * reader sees the old or the new document, never a partial one. No fsync: the store lives
   * under /run, whose contents (and every container process) are gone after a power loss
   * anyway; on a disk-backed /run each fsync cost ~20-60 ms of a create here.
   */
  write(id: string, state: StoredState): void {
    const dir = this.dir(id);
    const tmp = path.join(dir, `.${STATE_FILE}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
    fs.renameSync(tmp, path.join(dir, STATE_FILE));
  }

  remove(id: string): void {
    fs.rmSync(this.dir(id), { recursive: true, force: true });
  }

  /** Ids with a directory under the root (some may be half-created). */
  list(): string[] {
    try {
      return fs.readdirSync(this.root, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => e.name)
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }
}
