// The runtime-spec features document (features.md) for `berth features`. Every list is taken
// from the tables the implementation itself uses, so the document cannot claim more than
// berth does: mount options from the mount-option mapper, seccomp names from the seccomp
// mapper, capabilities from the capability table.

import { KNOWN_MOUNT_OPTIONS } from '../plan/mount-options.js';
import { CAPABILITIES } from '../plan/linux-constants.js';
import { ACTIONS, ARCHITECTURES, FLAGS, OPERATORS } from '../seccomp/index.js';
import { BERTH_SUPPORT } from '../host/support.js';
import type { LsmHost } from '../host/lsm.js';
import { BERTH_VERSION, SPEC_VERSION } from './version.js';

/**
 * Architectures every libseccomp since 2.5 resolves (berth compiles filters with the host's
 * libseccomp; Debian 12 has 2.5.4). Newer names in the seccomp table (loongarch64, m68k, sh)
 * need libseccomp 2.6 and are left out rather than promised.
 */
const LIBSECCOMP_2_5_ARCHS = new Set([
  'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64',
]);

export interface FeaturesDocument {
  ociVersionMin: string;
  ociVersionMax: string;
  hooks: string[];
  mountOptions: string[];
  linux: Record<string, unknown>;
  annotations: Record<string, string>;
}

/**
 * @param lsm this host's security modules: AppArmor and SELinux are reported enabled only where
 *   berth applies them here, as runc reports them (features.md: "enabled" on this host).
 */
export function featuresDocument(commit: string | undefined = process.env.BERTH_COMMIT, lsm?: LsmHost): FeaturesDocument {
  const flags = Object.keys(FLAGS).sort();
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: SPEC_VERSION,
    hooks: ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'],
    mountOptions: [...new Set(KNOWN_MOUNT_OPTIONS)].sort(),
    linux: {
      namespaces: ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts'],
      capabilities: [...CAPABILITIES],
      // cgroupfs v1 and v2 (and hybrid) with linux.resources, rdma.max included; no systemd driver.
      cgroup: { v1: BERTH_SUPPORT.cgroupV1, v2: BERTH_SUPPORT.cgroupV2, systemd: BERTH_SUPPORT.systemdCgroup, systemdUser: BERTH_SUPPORT.systemdCgroup, rdma: true },
      seccomp: {
        enabled: true,
        // SCMP_ACT_NOTIFY only where berth has the listener (`berth check` probes the kernel for it).
        actions: Object.keys(ACTIONS).filter((a) => a !== 'SCMP_ACT_NOTIFY' || BERTH_SUPPORT.seccompNotify).sort(),
        operators: Object.keys(OPERATORS).sort(),
        archs: Object.keys(ARCHITECTURES).filter((a) => LIBSECCOMP_2_5_ARCHS.has(a)).sort(),
        knownFlags: flags,
        // Flags that need a notify listener apply when a rule uses SCMP_ACT_NOTIFY.
        supportedFlags: flags,
      },
      apparmor: { enabled: BERTH_SUPPORT.apparmor && !!lsm?.apparmor.enabled },
      selinux: { enabled: BERTH_SUPPORT.selinux && !!lsm?.selinux.enabled },
      intelRdt: { enabled: false },
      mountExtensions: { idmap: { enabled: BERTH_SUPPORT.idmapMounts } },
      netDevices: { enabled: true },
    },
    annotations: {
      'berth.version': BERTH_VERSION,
      'berth.commit': commit || 'unknown',
    },
  };
}
