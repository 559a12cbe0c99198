// Maps the spec's mount "options" to mount(2) flags, propagation changes and the data string,
// following the table of options runc and the runtime-spec define.

import { MS } from './linux-constants.js';

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
  symfollow: MS.NOSYMFOLLOW,
  defaults: 0,
};

const PROPAGATION: Record<string, number> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

/** Options the spec defines that berth does not implement yet: refused rather than ignored. */
export const UNSUPPORTED_MOUNT_OPTIONS = new Set([
  'idmap', 'ridmap', 'tmpcopyup',
  'rro', 'rrw', 'rnosuid', 'rsuid', 'rnodev', 'rdev', 'rnoexec', 'rexec',
  'rnodiratime', 'rdiratime', 'rrelatime', 'rnorelatime', 'rnoatime', 'ratime',
  'rstrictatime', 'rnostrictatime', 'rnosymfollow', 'rsymfollow',
]);

export const KNOWN_MOUNT_OPTIONS = [...Object.keys(SET), ...Object.keys(CLEAR), ...Object.keys(PROPAGATION)];

export function parseMountOptions(options: readonly string[] = []): MountOptions {
  let flags = 0;
  let cleared = 0;
  const propagation: number[] = [];
  const data: string[] = [];
  for (const opt of options) {
    if (opt in SET) {
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
  };
}
