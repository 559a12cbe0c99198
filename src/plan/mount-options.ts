// Maps the spec's mount "options" to mount(2) flags, propagation changes and the data string,
// following the table of options runc and the runtime-spec define.

import { MOUNT_ATTR, MS } from './linux-constants.js';

export interface MountOptions {
  /** flags for the mount itself */
  flags: number;
  /** flags cleared by an explicit opposite option (rw, suid, ...) */
  cleared: number;
  /** propagation changes, applied one at a time after the mount */
  propagation: number[];
  /** comma-joined options the filesystem itself interprets */
  data: string;
  bind: boolean;
  recursive: boolean;
  /** mount_setattr(2) attributes for the r* options, applied to the mount and all below it */
  attrSet: number;
  attrClr: number;
}

const SET: Record<string, number> = {
  ro: MS.RDONLY,
  nosuid: MS.NOSUID,
  nodev: MS.NODEV,
  noexec: MS.NOEXEC,
  sync: MS.SYNCHRONOUS,
  dirsync: MS.DIRSYNC,
  remount: MS.REMOUNT,
  mand: MS.MANDLOCK,
  noatime: MS.NOATIME,
  nodiratime: MS.NODIRATIME,
  relatime: MS.RELATIME,
  strictatime: MS.STRICTATIME,
  silent: MS.SILENT,
  iversion: MS.I_VERSION,
  nosymfollow: MS.NOSYMFOLLOW,
  bind: MS.BIND,
  rbind: MS.BIND | MS.REC,
};

const CLEAR: Record<string, number> = {
  rw: MS.RDONLY,
  suid: MS.NOSUID,
  dev: MS.NODEV,
  exec: MS.NOEXEC,
  async: MS.SYNCHRONOUS,
  nomand: MS.MANDLOCK,
  atime: MS.NOATIME,
  diratime: MS.NODIRATIME,
  norelatime: MS.RELATIME,
  nostrictatime: MS.STRICTATIME,
  loud: MS.SILENT,
  noiversion: MS.I_VERSION,
  symfollow: MS.NOSYMFOLLOW,
  defaults: 0,
};

/** The propagation options; also the values linux.rootfsPropagation takes (mounts.ts). */
export const PROPAGATION: Record<string, number> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

/**
 * The recursive options: mount(2) flags only ever reach one mount, so these go through
 * mount_setattr(2) with AT_RECURSIVE. `set` raises attributes, `clear` drops them.
 */
const RECURSIVE_SET: Record<string, number> = {
  rro: MOUNT_ATTR.RDONLY,
  rnosuid: MOUNT_ATTR.NOSUID,
  rnodev: MOUNT_ATTR.NODEV,
  rnoexec: MOUNT_ATTR.NOEXEC,
  rnodiratime: MOUNT_ATTR.NODIRATIME,
  rnosymfollow: MOUNT_ATTR.NOSYMFOLLOW,
};

const RECURSIVE_CLEAR: Record<string, number> = {
  rrw: MOUNT_ATTR.RDONLY,
  rsuid: MOUNT_ATTR.NOSUID,
  rdev: MOUNT_ATTR.NODEV,
  rexec: MOUNT_ATTR.NOEXEC,
  rdiratime: MOUNT_ATTR.NODIRATIME,
  rsymfollow: MOUNT_ATTR.NOSYMFOLLOW,
};

/**
 * The atime mode is one value, not a set of bits: the kernel takes it only together with a
 * clear of the whole atime mask. Leaving noatime or strictatime (ratime, rnostrictatime) means
 * going back to the kernel's default, relatime, which is also what the plain forms do.
 * rnorelatime is accepted and changes nothing, as norelatime does for mount(2).
 */
const RECURSIVE_ATIME: Record<string, number | null> = {
  rnoatime: MOUNT_ATTR.NOATIME,
  ratime: MOUNT_ATTR.RELATIME,
  rrelatime: MOUNT_ATTR.RELATIME,
  rstrictatime: MOUNT_ATTR.STRICTATIME,
  rnostrictatime: MOUNT_ATTR.RELATIME,
  rnorelatime: null,
};

/** Options the spec defines that berth does not implement yet: refused rather than ignored. */
export const UNSUPPORTED_MOUNT_OPTIONS = new Set(['tmpcopyup']);

export const KNOWN_MOUNT_OPTIONS = [
  ...Object.keys(SET), ...Object.keys(CLEAR), ...Object.keys(PROPAGATION),
  ...Object.keys(RECURSIVE_SET), ...Object.keys(RECURSIVE_CLEAR), ...Object.keys(RECURSIVE_ATIME), 'idmap', 'ridmap',
];

export function parseMountOptions(options: readonly string[] = []): MountOptions {
  let flags = 0;
  let cleared = 0;
  const propagation: number[] = [];
  const data: string[] = [];
  let attrSet = 0;
  let attrClr = 0;
  for (const opt of options) {
    if (opt === 'idmap' || opt === 'ridmap') continue; // planned apart: plan/mounts.ts isIdmapped
    if (opt in RECURSIVE_SET) {
      attrSet |= RECURSIVE_SET[opt]!;
      attrClr &= ~RECURSIVE_SET[opt]!;
    } else if (opt in RECURSIVE_CLEAR) {
      attrClr |= RECURSIVE_CLEAR[opt]!;
      attrSet &= ~RECURSIVE_CLEAR[opt]!;
    } else if (opt in RECURSIVE_ATIME) {
      const mode = RECURSIVE_ATIME[opt];
      if (mode === null || mode === undefined) continue;
      attrSet = (attrSet & ~MOUNT_ATTR.ATIME_MASK) | mode;
      attrClr |= MOUNT_ATTR.ATIME_MASK;
    } else if (opt in SET) {
      flags |= SET[opt]!;
      cleared &= ~SET[opt]!;
    } else if (opt in CLEAR) {
      flags &= ~CLEAR[opt]!;
      cleared |= CLEAR[opt]!;
    } else if (opt in PROPAGATION) {
      propagation.push(PROPAGATION[opt]!);
    } else {
      data.push(opt);
    }
  }
  return {
    flags,
    cleared,
    propagation,
    data: data.join(','),
    bind: (flags & MS.BIND) !== 0,
    recursive: (flags & MS.REC) !== 0,
    attrSet,
    attrClr,
  };
}
