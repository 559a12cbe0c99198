// The config.json every check starts from: a busybox container with its own pid, network,
// ipc, uts and mount namespaces, the usual /proc, /dev, /sys mounts, a tmpfs /tmp, and the
// check's output directory bound at /out. Checks change only what they test.

import type { Spec } from '../../src/spec/types.js';
import { DEFAULT_CAPS } from './caps.js';

/** Where the shared rootfs keeps the helpers (probe, hook). */
export const CONF_DIR = '/conf';
export const PROBE = '/conf/probe';
export const IN_CONTAINER_HOOK = '/conf/hook';
/** Inside the container: the check's output directory. */
export const OUT = '/out';

export function baseSpec(ociVersion: string): Spec {
  return {
    ociVersion,
    root: { path: 'rootfs', readonly: false },
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: [PROBE, 'report'],
      env: ['PATH=/conf:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'CONF_MARK=1'],
      cwd: '/',
      capabilities: {
        bounding: [...DEFAULT_CAPS],
        effective: [...DEFAULT_CAPS],
        permitted: [...DEFAULT_CAPS],
      },
      noNewPrivileges: false,
    },
    hostname: 'conf',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777', 'size=16m'] },
      // source is filled in per bundle (the bundle's out/ directory)
      { destination: OUT, type: 'bind', source: 'out', options: ['rbind', 'rw'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: [],
      readonlyPaths: [],
    },
  };
}

/** A busybox shell command as the container process. */
export function shArgs(script: string): string[] {
  return ['/bin/sh', '-c', script];
}

/** Replaces (or adds) the namespace entries of the given types. */
export function setNamespace(spec: Spec, type: string, path?: string): void {
  const list = (spec.linux!.namespaces ??= []).filter((n) => n.type !== type);
  list.push(path ? ({ type, path } as never) : ({ type } as never));
  spec.linux!.namespaces = list;
}

export function dropNamespace(spec: Spec, type: string): void {
  spec.linux!.namespaces = (spec.linux!.namespaces ?? []).filter((n) => n.type !== type);
}

export function mountAt(spec: Spec, destination: string) {
  return spec.mounts?.find((m) => m.destination === destination);
}

export function removeMount(spec: Spec, destination: string): void {
  spec.mounts = (spec.mounts ?? []).filter((m) => m.destination !== destination);
}

/** Loose access for configs a check makes deliberately invalid or extended. */
export function loose(spec: Spec): Record<string, any> {
  return spec as unknown as Record<string, any>;
}
