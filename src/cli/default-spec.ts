// The config.json `berth spec` writes: field for field what `runc spec` (1.1.5) writes, because
// test suites and scripts build their bundles with `<runtime> spec` and then adjust it: a shell
// as root on a terminal, three capabilities (also ambient: the kernel cannot raise those, as
// they are not inheritable, and berth leaves them out with a warning as runc does), a read-only
// rootfs, the usual mounts, masked and read-only paths, no device access, and no cgroup
// namespace (runc 1.1's suite adds one itself). Only two values differ, and nothing a caller
// adjusts depends on them: ociVersion (the spec version berth implements) and the hostname.
// test/fixtures/runc-1.1.5-spec*.json hold runc's output; test/unit/default-spec.test.ts
// compares. docs/cli.md lists the differences.

import type { IdMapping, Mount, Spec } from '../spec/types.js';

const CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

export interface DefaultSpecOptions {
  /**
   * runc's rootless variant: a user namespace mapping root to the caller's ids, no network
   * namespace (it could not be configured), /sys bound from the host (sysfs cannot be mounted
   * without owning the network namespace), devpts without gid=5, no device rules.
   */
  rootless?: { uid: number; gid: number };
}

export function defaultSpec(opts: DefaultSpecOptions = {}): Spec {
  const spec: Spec = {
    ociVersion: '1.3.0',
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: [...CAPS], effective: [...CAPS], permitted: [...CAPS], ambient: [...CAPS] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'berth',
    mounts: defaultMounts(!!opts.rootless),
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: [
        '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
        '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
  if (opts.rootless) {
    const { uid, gid } = opts.rootless;
    const one = (hostID: number): IdMapping[] => [{ containerID: 0, hostID, size: 1 }];
    const linux = spec.linux!;
    // Member order as runc writes it: the mappings come first in its linux object.
    spec.linux = {
      uidMappings: one(uid),
      gidMappings: one(gid),
      namespaces: [...linux.namespaces!.filter((n) => n.type !== 'network'), { type: 'user' }],
      maskedPaths: linux.maskedPaths,
      readonlyPaths: linux.readonlyPaths,
    };
  }
  return spec;
}

function defaultMounts(rootless: boolean): Mount[] {
  const devptsOptions = ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'];
  return [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: rootless ? devptsOptions : [...devptsOptions, 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    rootless
      ? { destination: '/sys', type: 'none', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] }
      : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
  ];
}
