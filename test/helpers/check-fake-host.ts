// A HostProbe for `berth check` unit tests: a table of files and kernel answers describing a
// host that is not this one. Start from a modern v2 host and override what a test is about.

import type { HostLayout } from '../../src/cgroups/detect.js';
import type { HostProbe } from '../../src/host/probe.js';
import type { KernelProbe } from '../../src/sys/native.js';

export const ENOSYS = 38;
export const EINVAL = 22;
export const EBADF = 9;

export interface FakeHostOptions {
  files?: Record<string, string | undefined>;
  kernel?: Partial<Record<KernelProbe, number>>;
  layout?: HostLayout | undefined;
  readOnly?: string[];
  programs?: Record<string, string>;
  euid?: number;
}

/** Every capability 0..40 in the bounding set. */
export const FULL_BOUNDING = '000001ffffffffff';

export const V2_LAYOUT: HostLayout = { version: 2, unified: { mountPoint: '/sys/fs/cgroup', root: '/', controllers: [] } };

export function fakeHost(o: FakeHostOptions = {}): HostProbe {
  const files: Record<string, string | undefined> = {
    '/proc/sys/kernel/osrelease': '6.8.0-generic\n',
    '/proc/sys/user/max_user_namespaces': '63000\n',
    '/proc/self/ns/user': '',
    '/proc/self/ns/time': '',
    '/proc/self/status': `Name:\tberth\nCapBnd:\t${FULL_BOUNDING}\nSeccomp:\t0\n`,
    '/proc/sys/kernel/cap_last_cap': '40\n',
    '/proc/sys/kernel/seccomp/actions_avail': 'kill_process kill_thread trap errno user_notif trace log allow\n',
    '/proc/filesystems': 'nodev\tsysfs\nnodev\tcgroup2\nnodev\toverlay\n',
    '/sys/fs/cgroup/cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc\n',
    ...o.files,
  };
  const kernel: Record<KernelProbe, number> = {
    clone3: EINVAL, clone_into_cgroup: EBADF, pidfd_open: 0, openat2: EINVAL, close_range: EINVAL, mount_setattr: EINVAL, seccomp_notify: 0, procfs_pidns: EINVAL,
    ...o.kernel,
  };
  const layout = 'layout' in o ? o.layout : V2_LAYOUT;
  return {
    read: (file) => files[file],
    exists: (file) => files[file] !== undefined,
    writable: (dir) => !(o.readOnly ?? []).includes(dir),
    kernel: (name) => kernel[name],
    cgroupLayout: () => layout,
    which: (program) => o.programs?.[program],
    euid: () => o.euid ?? 0,
  };
}
