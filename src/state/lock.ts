// The per-container lock every changing command takes: flock(2) on <root>/<id>/lock. The
// lock dies with the process, so a crashed command never leaves a container locked.

import fs from 'node:fs';
import { native } from '../sys/addon.js';
import type { StateStore } from './store.js';

export async function withContainerLock<T>(store: StateStore, id: string, fn: () => Promise<T>): Promise<T> {
  const file = store.lockPath(id);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') store.read(id); // throws ContainerNotFound
    throw err;
  }
  try {
    native().flock(fd, true, false);
    return await fn();
  } finally {
    fs.closeSync(fd);
  }
}
