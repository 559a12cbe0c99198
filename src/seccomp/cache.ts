// The compiled seccomp program cache under --root: compiling Docker's default profile costs
// ~7-12 ms of libseccomp per create, so the program is kept, per root, in a root-only
// directory and read back by the next create of the same section (cache-entry.ts has the key
// and the entry format).
//
// Nothing read from here is trusted on its name alone. The directory must be ours (owner =
// effective uid), mode 0700, and not a symlink; it is opened once and every entry is opened
// beneath that descriptor (/proc/self/fd/N/<key>, O_NOFOLLOW, so no symlink is followed
// anywhere below it). An entry must be a regular file of ours that nobody else may read or
// write, of a sane size, and its contents must pass decodeEntry (its key and checksum). On any
// doubt the caller compiles and the fresh program replaces the entry atomically (a temporary
// file renamed over it). A cache that cannot be used or written costs a compile, never a
// failure.

import { nodeFs } from '../sys/node-fs.js';
import { errnoCode, io, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY, S_IFMT, S_IFREG, isDirectoryMode } from '../sys/io.js';
import * as path from '../sys/posix-path.js';
import type { SeccompProgram } from './index.js';
import { decodeEntry, encodeEntry, MAX_ENTRY_BYTES } from './cache-entry.js';

// A hit (every create and exec of a container with a profile seen before) goes through
// berth-io.node only: node:fs costs ~4-6 ms of CPU to load in the executable. A miss, which
// compiles and stores, may load it (nodeFs): it pays libseccomp's compile anyway.

/** Not a valid container id ('@'), so no container directory can take this name. */
export const CACHE_DIR = '.seccomp@cache';
/** Distinct profiles kept per root; past this the oldest entries go. */
export const MAX_ENTRIES = 64;

function euid(): number {
  return process.geteuid?.() ?? 0;
}

/** Opens the cache directory (making it first when asked) and checks it; -1 when unusable. */
function openCacheDir(root: string, make: boolean): number {
  const dir = path.join(root, CACHE_DIR);
  const f = io();
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = f.open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT' || !make || attempt > 0) return -1;
      try {
        f.mkdir(dir, 0o700);
      } catch (mkErr) {
        if (errnoCode(mkErr) !== 'EEXIST') return -1;
      }
      continue;
    }
    const [mode, uid] = f.fstat(fd) as [number, number];
    if (isDirectoryMode(mode) && uid === euid() && (mode & 0o7777) === 0o700) return fd;
    f.close(fd);
    return -1; // someone else's, or open to others: never read from it, never write to it
  }
  return -1;
}

/** A name beneath the verified directory descriptor (the kernel resolves the fd, not a path). */
function beneath(dirFd: number, name: string): string {
  return `/proc/self/fd/${dirFd}/${name}`;
}

function readEntry(dirFd: number, key: string): string | undefined {
  const f = io();
  let fd: number;
  try {
    fd = f.open(beneath(dirFd, key), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  } catch {
    return undefined;
  }
  try {
    const [mode, uid, , , , nlink, size] = f.fstat(fd) as number[];
    if ((mode! & S_IFMT) !== S_IFREG || uid !== euid() || (mode! & 0o077) !== 0 || nlink !== 1) return undefined;
    if (size! <= 0 || size! > MAX_ENTRY_BYTES) return undefined;
    // readFd reads at most 4096 bytes a call. An entry is ASCII (JSON with base64 and hex) but
    // for the warnings' text: a character split between two reads decodes wrong, and the
    // checksum then refuses the entry (a compile, never a wrong program).
    let text = '';
    for (;;) {
      const chunk = f.readFd(fd, 4096);
      if (chunk === '') break;
      text += chunk;
      if (text.length > MAX_ENTRY_BYTES) return undefined; // grew under us
    }
    return text;
  } catch {
    return undefined;
  } finally {
    f.close(fd);
  }
}

/** The cached program for key under root, or undefined (absent, unusable or refused). */
export function loadCachedProgram(root: string, key: string): SeccompProgram | undefined {
  const dirFd = openCacheDir(root, false);
  if (dirFd < 0) return undefined;
  try {
    const text = readEntry(dirFd, key);
    return text === undefined ? undefined : decodeEntry(key, text);
  } finally {
    io().close(dirFd);
  }
}

/** Keeps the program for key, replacing any entry of that name atomically; failures are ignored. */
export function storeCachedProgram(root: string, key: string, program: SeccompProgram): void {
  const dirFd = openCacheDir(root, true);
  if (dirFd < 0) return;
  const tmp = `${key}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const fd = nodeFs().openSync(beneath(dirFd, tmp), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600);
    try {
      nodeFs().writeSync(fd, encodeEntry(key, program));
    } finally {
      nodeFs().closeSync(fd);
    }
    nodeFs().renameSync(beneath(dirFd, tmp), beneath(dirFd, key)); // replaces a bad entry (or a symlink) itself
    evictOldest(dirFd);
  } catch {
    try {
      nodeFs().unlinkSync(beneath(dirFd, tmp));
    } catch {
      // never made
    }
  } finally {
    nodeFs().closeSync(dirFd);
  }
}

/** Bounds the directory: distinct profiles are few, but nothing must grow without end under /run. */
function evictOldest(dirFd: number): void {
  const names = nodeFs().readdirSync(beneath(dirFd, ''));
  if (names.length <= MAX_ENTRIES) return;
  const aged = names.map((name) => {
    try {
      return { name, mtime: nodeFs().lstatSync(beneath(dirFd, name)).mtimeMs };
    } catch {
      return { name, mtime: 0 };
    }
  });
  aged.sort((a, b) => a.mtime - b.mtime);
  for (const { name } of aged.slice(0, names.length - MAX_ENTRIES)) {
    try {
      nodeFs().unlinkSync(beneath(dirFd, name));
    } catch {
      // gone already
    }
  }
}
