// exec's defence against the CVE-2019-5736 class (docs/ARCHITECTURE.md, "Threat model"): the
// process exec starts is a clone of berth until its execve, and it is visible inside the
// container's pid namespace meanwhile. A privileged container (CAP_SYS_PTRACE and CAP_SYS_ADMIN
// in the host's user namespace) can then open /proc/PID/exe or /proc/PID/map_files/* and keep
// the handle until berth exits. So berth runs exec from a read-only view of its own directory:
// if the binary's mount is writable, it re-executes itself once in a private mount namespace
// where that directory is bound read-only onto itself (addon reexecReadOnly). Every handle to
// dist/berth and dist/berth.node from then on names a read-only mount: EROFS on any write.

import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors.js';
import { native } from '../sys/addon.js';

/** Set in the re-executed process: a second attempt would loop. */
const MARK = 'BERTH_SEALED_EXE';

/** Whether the running binary cannot be written through its own mount. */
export function exeIsReadOnly(exe = '/proc/self/exe'): boolean {
  try {
    fs.accessSync(exe, fs.constants.W_OK);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EROFS';
  }
}

/** Only the compiled executable is re-executed; under Node (tests of the library) nothing is done. */
function compiled(): boolean {
  return !!(process.versions as Record<string, string | undefined>).bun && path.basename(process.execPath) !== 'bun';
}

/** Returns when berth already runs from a read-only mount; otherwise re-executes (never returns) or throws. */
export function sealExecutable(): void {
  if (!compiled() || exeIsReadOnly()) return;
  if (process.env[MARK]) throw new BerthError('the berth executable is still writable after re-executing it from a read-only bind: refusing to exec');
  const exe = fs.readlinkSync('/proc/self/exe');
  const argv = fs.readFileSync('/proc/self/cmdline', 'utf8').split('\0').slice(0, -1);
  const env = Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ''}`);
  env.push(`${MARK}=1`);
  try {
    native().reexecReadOnly(path.dirname(exe), exe, argv, env);
  } catch (err) {
    throw new BerthError(`cannot run from a read-only view of ${exe} (the defence against a container overwriting it): ${(err as Error).message}`);
  }
}
