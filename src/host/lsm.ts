// Which Linux security modules the host runs, and where the process attribute for the next
// execve lives. Read through the HostProbe interface so the decision is unit-tested with fake
// hosts (test/unit/lsm.test.ts); the child only writes what the plan says (plan/lsm.ts).

import type { HostProbe } from './probe.js';

export interface LsmHost {
  apparmor: {
    enabled: boolean;
    /** below the procfs root: attr/apparmor/exec (Linux 5.8+, one directory per LSM), else the shared attr/exec */
    execAttr: string;
  };
  selinux: { enabled: boolean };
}

/** The procfs attribute of the calling thread that SELinux reads at the next execve. */
export const SELINUX_EXEC_ATTR = 'thread-self/attr/exec';

export function detectLsm(host: Pick<HostProbe, 'read' | 'exists'>): LsmHost {
  // runc's test: the module is loaded and says Y (a kernel with AppArmor built in but not
  // chosen at boot says N).
  const apparmor = host.read('/sys/module/apparmor/parameters/enabled')?.trim() === 'Y';
  const ownDir = host.exists('/proc/self/attr/apparmor/exec');
  return {
    apparmor: { enabled: apparmor, execAttr: ownDir ? 'thread-self/attr/apparmor/exec' : 'thread-self/attr/exec' },
    // selinuxfs mounted: SELinux is enabled (enforcing or permissive).
    selinux: { enabled: host.exists('/sys/fs/selinux/enforce') },
  };
}
