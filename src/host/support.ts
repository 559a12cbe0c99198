// What this build of berth implements among the host features `berth check` looks at. Both
// `berth features` (the runtime-spec features document) and `berth check` read this table, so
// the two commands cannot disagree about what berth does.

export const BERTH_SUPPORT = {
  /** process.apparmorProfile is applied where the host has AppArmor (refused where it has not) */
  apparmor: true,
  /** process.selinuxLabel / linux.mountLabel are applied where the host has SELinux (skipped with a warning elsewhere) */
  selinux: true,
  /** mounts with idmap / ridmap and uidMappings (mount_setattr MOUNT_ATTR_IDMAP) */
  idmapMounts: true,
  /** SCMP_ACT_NOTIFY with linux.seccomp.listenerPath */
  seccompNotify: true,
  /** cgroupfs drivers; no systemd driver */
  cgroupV1: true,
  cgroupV2: true,
  systemdCgroup: false,
} as const;
