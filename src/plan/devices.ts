// /dev inside the container: the default devices every container gets, the config's
// linux.devices, and the standard symlinks. In a new user namespace mknod is not allowed,
// so device nodes are bind mounts of the host's nodes instead (as runc does).

import * as path from '../sys/posix-path.js';
import type { Device, Spec } from '../spec/types.js';
import { MS, S_IF } from './linux-constants.js';
import { bindsDev, containerPath } from './mounts.js';
import { OpCode } from './ops.js';
import type { PlanWriter } from './writer.js';

export const DEFAULT_DEVICES: readonly Required<Device>[] = [
  { type: 'c', path: '/dev/null', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/zero', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/full', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/random', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/urandom', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/tty', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
];

const LINKS: readonly [string, string][] = [
  ['/proc/self/fd', '/dev/fd'],
  ['/proc/self/fd/0', '/dev/stdin'],
  ['/proc/self/fd/1', '/dev/stdout'],
  ['/proc/self/fd/2', '/dev/stderr'],
  ['pts/ptmx', '/dev/ptmx'],
];

function typeBits(type: Device['type']): number {
  if (type === 'b') return S_IF.BLK;
  if (type === 'p') return S_IF.FIFO;
  return S_IF.CHR; // 'c' and 'u' (unbuffered character device)
}

export function planDevices(w: PlanWriter, spec: Spec, userNamespace: boolean): void {
  if (bindsDev(spec)) return;
  const configured = spec.linux?.devices ?? [];
  const configuredPaths = new Set(configured.map((d) => containerPath(d.path)));
  const all: { dev: Device; origin: string }[] = [
    ...DEFAULT_DEVICES.filter((d) => !configuredPaths.has(d.path)).map((dev) => ({ dev: dev as Device, origin: 'default device ' + dev.path })),
    ...configured.map((dev, i) => ({ dev, origin: `/linux/devices/${i}` })),
  ];
  for (const { dev, origin } of all) {
    const dest = containerPath(dev.path);
    w.add(origin, OpCode.Mkdirs, [0o755], [path.dirname(dest)]);
    if (userNamespace) {
      // The host node at the same path; mknod is refused inside a user namespace.
      w.add(origin, OpCode.Mount, [MS.BIND, 1, 2, 0], [dest, dest, '', '']);
    } else {
      const mode = typeBits(dev.type) | ((dev.fileMode ?? 0o666) & 0o7777);
      // A configured device must really be there; a default one may be whatever the image has.
      const mustMatch = origin.startsWith('/linux/devices/') ? 1 : 0;
      w.add(origin, OpCode.Mknod, [mode, dev.major ?? 0, dev.minor ?? 0, dev.uid ?? 0, dev.gid ?? 0, mustMatch], [dest]);
    }
  }
  for (const [target, link] of LINKS) {
    w.add('/dev symlinks', OpCode.Symlink, [], [target, link]);
  }
}
