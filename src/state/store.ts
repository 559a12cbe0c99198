// The state store under --root: one directory per container holding state.json (replaced
// atomically), the exec fifo and the lock file. Creating the directory is the atomic claim on
// an id: of two concurrent creates, exactly one mkdir succeeds.
//
// Every path is built through dir(), which validates the id first, so no id can reach outside
// the root. The files are read and written through sys/io.ts, not node:fs: every short command
// reads the store, and node:fs alone would cost it ~10 ms of start-up.

import { BerthError, ContainerNotFound } from '../errors.js';
import { errnoCode, io, mkdirs, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, O_WRONLY, removeTree } from '../sys/io.js';
import * as path from '../sys/posix-path.js';
import { isValidId, validateId } from './id.js';
import type { CgroupRecord } from '../cgroups/index.js';
import type { StoredState } from './types.js';

export const STATE_FILE = 'state.json';
export const EXEC_FIFO = 'exec.fifo';
export const LOCK_FILE = 'lock';
/** the limits `update` set last (linux.resources-shaped), beside state.json */
export const RESOURCES_FILE = 'resources.json';
/**
 * What a create in progress is about to acquire (its cgroups, a host mount), written before it
 * acquires them: a create killed before state.json exists leaves this for whoever reclaims the
 * id (container/half-created.ts) to find and undo.
 */
export const CREATING_FILE = 'creating.json';

export interface CreatingRecord {
  cgroup: CgroupRecord;
  /** no mount namespace: the rootfs bind create makes in the host's mount table, and the mount under it */
  rootfs?: string;
  rootfsMountBelow?: number;
}

export interface StoreOptions {
  /**
   * fsync state.json before the rename and the directory after it (default false: the store
   * lives under /run, whose containers are gone after a power loss anyway; see
   * docs/ARCHITECTURE.md "State"). When true, a
   * crash never leaves an empty or torn state.json behind: an unreadable record would make
   * the container impossible to delete. Costs a few ms per write on a disk-backed --root
   * (~5 ms measured on this machine's ext4 /run) and nothing on tmpfs.
   */
  durable?: boolean;
}

const errno = errnoCode;

export class StateStore {
  readonly durable: boolean;

  constructor(readonly root: string, opts: StoreOptions = {}) {
    this.durable = opts.durable ?? false;
  }

  /** <root>/<id>, after validating the id. */
  dir(id: string): string {
    return path.join(this.root, validateId(id));
  }

  statePath(id: string): string {
    return path.join(this.dir(id), STATE_FILE);
  }

  fifoPath(id: string): string {
    return path.join(this.dir(id), EXEC_FIFO);
  }

  lockPath(id: string): string {
    return path.join(this.dir(id), LOCK_FILE);
  }

  /** Makes the root (0700) when it does not exist yet; an existing root is left as it is. */
  ensureRoot(): void {
    mkdirs(this.root, 0o700);
  }

  /** Claims the id by making its directory (0700). Throws when a container with this id exists. */
  createDir(id: string): void {
    const dir = this.dir(id);
    this.ensureRoot();
    try {
      io().mkdir(dir, 0o700);
    } catch (err) {
      if (errno(err) === 'EEXIST') throw new BerthError(`container with given ID already exists: ${id}`);
      throw err;
    }
  }

  /** Whether the id's directory exists (it may be half-created: see hasState). */
  hasDir(id: string): boolean {
    return io().exists(this.dir(id));
  }

  /** Whether the container has a state record (create got far enough to write one). */
  hasState(id: string): boolean {
    return io().exists(this.statePath(id));
  }

  /**
   * ContainerNotFound unless the container has a state record: what kill and delete check
   * before they wait for the lock (a create in progress has none yet). One access(2); the
   * record itself is read, and judged, under the lock.
   */
  mustHaveState(id: string): void {
    if (!this.hasState(id)) throw new ContainerNotFound(id);
  }

  /**
   * The stored record. A missing directory or state.json is ContainerNotFound: a directory
   * without state.json belongs to a create still in progress (or one that died), which no
   * other command may act on.
   */
  read(id: string): StoredState {
    const file = this.statePath(id);
    let text: string;
    try {
      text = io().readFile(file);
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') throw new ContainerNotFound(id);
      throw err;
    }
    let st: StoredState;
    try {
      st = JSON.parse(text) as StoredState;
    } catch (err) {
      throw new BerthError(`state of container ${id} is unreadable (${file}): ${(err as Error).message}`);
    }
    if (!st || typeof st !== 'object' || st.id !== id || typeof st.pid !== 'number' || typeof st.pidStartTime !== 'string') {
      throw new BerthError(`state of container ${id} is not a berth state record (${file})`);
    }
    return st;
  }

  /**
   * Atomic replace: write a temporary file in the same directory, (fsync,) rename it over
   * state.json, (fsync the directory). A concurrent reader sees the old or the new record,
   * never a partial one, and no temporary file is left behind, even on failure.
   */
  write(id: string, state: StoredState): void {
    if (state.id !== id) throw new BerthError(`internal: state record of ${state.id} written as ${id}`);
    this.replaceFile(id, STATE_FILE, JSON.stringify(state));
  }

  /** The resources `update` recorded, or undefined when there has been no update. */
  readResources(id: string): Record<string, unknown> | undefined {
    let text: string;
    try {
      text = io().readFile(path.join(this.dir(id), RESOURCES_FILE));
    } catch (err) {
      if (errno(err) === 'ENOENT') return undefined;
      throw err;
    }
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new BerthError(`recorded resources of container ${id} are unreadable: ${(err as Error).message}`);
    }
  }

  /** What a create is about to acquire (replaced atomically, as state.json). */
  writeCreating(id: string, rec: CreatingRecord): void {
    this.replaceFile(id, CREATING_FILE, JSON.stringify(rec));
  }

  /** The record of a create that did not finish, or undefined (none, or torn: nothing was acquired yet). */
  readCreating(id: string): CreatingRecord | undefined {
    try {
      const rec = JSON.parse(io().readFile(path.join(this.dir(id), CREATING_FILE))) as CreatingRecord;
      return rec && typeof rec === 'object' && rec.cgroup && typeof rec.cgroup === 'object' ? rec : undefined;
    } catch {
      return undefined;
    }
  }

  /** Records the resources `update` applied, replacing the file atomically as state.json. */
  writeResources(id: string, resources: object): void {
    this.replaceFile(id, RESOURCES_FILE, JSON.stringify(resources));
  }

  private replaceFile(id: string, name: string, text: string): void {
    const dir = this.dir(id);
    const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
    const f = io();
    try {
      const fd = f.open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600);
      try {
        f.write(fd, text);
        if (this.durable) f.fsync(fd);
      } finally {
        f.close(fd);
      }
      f.rename(tmp, path.join(dir, name));
    } catch (err) {
      removeTree(tmp);
      if (errno(err) === 'ENOENT' && !f.exists(dir)) throw new ContainerNotFound(id);
      throw err;
    }
    if (this.durable) syncDirectory(dir);
  }

  /**
   * Removes the container's directory and everything in it; a missing one is fine. The
   * directory is first renamed away (one atomic step), so the id is free at once and a create
   * that claims it meanwhile never has its new directory emptied by this removal.
   */
  remove(id: string): void {
    const dir = this.dir(id);
    // A name list() skips (not a valid id), short enough for any id, unique to this call.
    const doomed = path.join(this.root, `.removing-${process.pid}-${Math.random().toString(36).slice(2)}`);
    try {
      io().rename(dir, doomed);
    } catch (err) {
      if (errno(err) === 'ENOENT') return;
      throw err;
    }
    removeTree(doomed);
  }

  /**
   * Ids with a directory under the root, sorted. Entries that are not valid ids (temporary
   * or foreign files) are skipped; some listed ids may be half-created (read() then throws
   * ContainerNotFound).
   */
  list(): string[] {
    let entries: string[];
    try {
      entries = io().readdir(this.root);
    } catch (err) {
      if (errno(err) === 'ENOENT') return [];
      throw err;
    }
    return entries
      .filter((e) => e.endsWith('/'))
      .map((e) => e.slice(0, -1))
      .filter(isValidId)
      .sort();
  }

  /** uid owning the container's directory (runc's `list` shows it as OWNER). */
  ownerUid(id: string): number {
    return io().stat(this.dir(id))[1]!;
  }
}

function syncDirectory(dir: string): void {
  const f = io();
  const fd = f.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  try {
    f.fsync(fd);
  } finally {
    f.close(fd);
  }
}
