// The per-container lock every command that changes a container takes (start, kill, delete,
// and later exec/pause): flock(2) on <root>/<id>/lock. The kernel drops the lock when the
// process dies, so a crashed command never leaves a container locked.
//
// The lock file lives in the container's directory, which delete removes while holding the
// lock. A command that was waiting then holds a lock on a file that no longer has a name, so
// after every acquisition the fd is checked against the path; when they differ the lock is
// taken again: on the new container's file if one took the id meanwhile, or not at all
// (ContainerNotFound) when the directory is gone.
//
// flock and the files come from sys/io.ts (berth-io.node, not node:fs: kill and delete take
// this lock, and must start fast); tests pass a double (`Flocker`).

import { BerthError, ContainerBusy, ContainerNotFound } from '../errors.js';
import { errnoCode, io, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_RDONLY, O_RDWR } from '../sys/io.js';
import type { StateStore } from './store.js';

export interface Flocker {
  /** flock(2): returns false when nonBlocking and the lock is held elsewhere. */
  flock(fd: number, exclusive: boolean, nonBlocking: boolean): boolean;
}

export interface LockOptions {
  /** default: flock(2) through sys/io.ts */
  flocker?: Flocker;
  /** fail with "container <id> is busy" instead of waiting (default: wait) */
  nonBlocking?: boolean;
  /** wait at most this long (polling), then fail as nonBlocking does (default: wait for ever) */
  patienceMs?: number;
}

export interface ContainerLock {
  readonly id: string;
  /** the locked file's descriptor (create closes it in the child, which must not hold the lock) */
  readonly fd: number;
  release(): void;
}

const ioFlocker: Flocker = { flock: (fd, exclusive, nonBlocking) => io().flock(fd, exclusive, nonBlocking) };

/** After this many replacements of the lock file in a row something is badly wrong. */
const MAX_ATTEMPTS = 100;

function sameFile(fd: number, file: string): boolean {
  let onDisk: number[];
  try {
    onDisk = io().stat(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
  const held = io().fstat(fd);
  return held[2] === onDisk[2] && held[3] === onDisk[3]; // ino, dev
}

/** Takes the container's exclusive lock; blocks until it is free unless opts.nonBlocking. */
export function lockContainer(store: StateStore, id: string, opts: LockOptions = {}): ContainerLock {
  const flocker = opts.flocker ?? ioFlocker;
  const file = store.lockPath(id); // validates the id
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let fd: number;
    try {
      // Close-on-exec: a hook (or any program berth runs) must never inherit the lock, or a
      // long-lived one would hold the container locked after berth is gone.
      fd = io().open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o600);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new ContainerNotFound(id);
      throw err;
    }
    let keep = false;
    try {
      if (!acquire(flocker, fd, opts)) throw new ContainerBusy(id);
      // Not the file at the path any more: retry; the next open fails with ENOENT (->
      // ContainerNotFound) when the directory itself is gone.
      if (sameFile(fd, file)) {
        keep = true;
        let released = false;
        return {
          id,
          fd,
          release() {
            if (released) return;
            released = true;
            io().close(fd); // closing the only fd on the open file drops the flock
          },
        };
      }
    } finally {
      if (!keep) io().close(fd);
    }
  }
  throw new BerthError(`cannot lock container ${id}: its lock file keeps being replaced`);
}

function acquire(flocker: Flocker, fd: number, opts: LockOptions): boolean {
  if (opts.patienceMs === undefined || opts.nonBlocking) return flocker.flock(fd, true, !!opts.nonBlocking);
  // flock(2) has no timeout: poll, the file kept open (so the wait is visible in /proc/PID/fd).
  const deadline = Date.now() + opts.patienceMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    if (flocker.flock(fd, true, true)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(delay, left));
  }
}

export async function withContainerLock<T>(store: StateStore, id: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const lock = lockContainer(store, id, opts);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

export function withContainerLockSync<T>(store: StateStore, id: string, fn: () => T, opts: LockOptions = {}): T {
  const lock = lockContainer(store, id, opts);
  try {
    return fn();
  } finally {
    lock.release();
  }
}

/**
 * The root's lock: flock(2) on the --root directory itself (no file of its own, so the root
 * stays empty when no container exists). Held only for the instant a create claims an id
 * (makes the directory and takes its lock) and while a leftover of a killed create is judged
 * and removed: a directory whose lock is free is then certainly not a claim in progress.
 */
export function lockRoot(store: StateStore, flocker: Flocker = ioFlocker): { release(): void } {
  store.ensureRoot();
  const fd = io().open(store.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  try {
    flocker.flock(fd, true, false);
  } catch (err) {
    io().close(fd);
    throw err;
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      io().close(fd);
    },
  };
}
