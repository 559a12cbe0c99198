// The defence against the CVE-2019-5736 class (docs/ARCHITECTURE.md, "Threat model"): the
// process exec starts (and create's, when the config joins an existing pid namespace) is a
// clone of berth until its execve, and it is visible inside the container's pid namespace
// meanwhile. A privileged container (CAP_SYS_PTRACE and CAP_SYS_ADMIN
// in the host's user namespace) can then open /proc/PID/exe or /proc/PID/map_files/* and keep
// the handle until berth exits. So berth runs exec from a read-only view of its own directory:
// if the mount of the binary, or of any file it maps (berth.node, libc, libseccomp, the
// loader ...), is writable, it re-executes itself once in a private mount namespace where each
// of those directories is bound read-only onto itself (addon reexecReadOnly). Every handle to
// those files from then on names a read-only mount: EROFS on any write.

import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors.js';
import { native } from '../sys/addon.js';

/** Set in the re-executed process: a second attempt would loop. */
const MARK = 'BERTH_SEALED_EXE';

/** Whether `file` (a directory or a file) cannot be written through its mount. */
function onReadOnlyMount(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EROFS';
  }
}

/**
 * The directories of the executable and of every file this process maps (the addon and the
 * host's libraries it pulls in): what a container could reach through /proc/PID/map_files.
 */
export function mappedDirs(exe: string, maps: string): string[] {
  const dirs = new Set([path.dirname(exe)]);
  for (const line of maps.split('\n')) {
    // address perms offset dev inode path: the path may contain spaces
    const file = line.split(/\s+/).slice(5).join(' ');
    if (!file.startsWith('/') || file.endsWith(' (deleted)') || file.startsWith('/dev/') || file.startsWith('/memfd:')) continue;
    dirs.add(path.dirname(file));
  }
  return [...dirs].sort();
}

/** Only the compiled executable is re-executed; under Node (tests of the library) nothing is done. */
function compiled(): boolean {
  return !!(process.versions as Record<string, string | undefined>).bun && path.basename(process.execPath) !== 'bun';
}

/** Returns when berth and everything it maps are already on read-only mounts; otherwise re-executes (never returns) or throws. */
export function sealExecutable(): void {
  if (!compiled()) return;
  const addon = native(); // loaded first, so its libraries show in the maps
  const exe = fs.readlinkSync('/proc/self/exe');
  const dirs = mappedDirs(exe, fs.readFileSync('/proc/self/maps', 'utf8'));
  const writable = dirs.filter((d) => !onReadOnlyMount(d));
  if (!writable.length) return;
  if (process.env[MARK]) throw new BerthError(`${writable.join(', ')} still writable after re-executing berth from read-only binds: refusing to go on`);
  const argv = fs.readFileSync('/proc/self/cmdline', 'utf8').split('\0').slice(0, -1);
  const env = Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ''}`);
  env.push(`${MARK}=1`);
  try {
    addon.reexecReadOnly(writable, exe, argv, env);
  } catch (err) {
    throw new BerthError(`cannot run from a read-only view of ${writable.join(', ')} (the defence against a container overwriting berth or its libraries): ${(err as Error).message}`);
  }
}
