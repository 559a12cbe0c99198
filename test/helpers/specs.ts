// Spec documents for tests: a minimal busybox container config and a way to vary it.

import type { Spec } from '../../src/spec/types.js';

export function minimalSpec(overrides: Partial<Spec> = {}): Spec {
  return {
    ociVersion: '1.3.0',
    root: { path: 'rootfs' },
    process: {
      user: { uid: 0, gid: 0 },
      args: ['sh', '-c', 'true'],
      env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'],
      cwd: '/',
      capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
    },
    hostname: 'berth-test',
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
    linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'ipc' }] },
    ...overrides,
  };
}

/** A spec joining the user namespace (and making its own pid and mount namespaces) of process `pid`. */
export function joinedUsernsSpec(pid: number): Spec {
  const spec = minimalSpec({ hostname: undefined, linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'user', path: `/proc/${pid}/ns/user` }] } });
  // The shared rootfs belongs to the host's root: device nodes go on a tmpfs of the container's.
  spec.mounts!.push({ destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] });
  return spec;
}
