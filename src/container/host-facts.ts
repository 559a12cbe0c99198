// The few host facts the pure plan builder needs, read from the live system.

import { io, isDirectoryMode } from '../sys/io.js';
import { parseMountinfo } from '../cgroups/detect.js';
import type { HostFacts } from '../plan/mounts.js';
import { detectLsm, type LsmHost } from '../host/lsm.js';
import { liveHost } from '../host/probe.js';
import { native } from '../sys/addon.js';

let lastCap: number | undefined;
let permittedCaps: bigint | undefined;
let lsm: LsmHost | undefined;

/** Read only when a config names a profile or label: most creates never ask. */
function liveLsm(): LsmHost {
  lsm ??= detectLsm(liveHost());
  return lsm;
}

/** CapPrm of this process: capset(2) cannot grant the container more. */
function readPermittedCaps(): bigint | undefined {
  const m = /^CapPrm:\s*([0-9a-f]+)$/m.exec(io().readFile('/proc/self/status'));
  return m ? BigInt('0x' + m[1]) : undefined;
}

export function liveHostFacts(): HostFacts {
  if (lastCap === undefined) {
    lastCap = Number(io().readFile('/proc/sys/kernel/cap_last_cap').trim());
    permittedCaps = readPermittedCaps();
  }
  return {
    isDirectory(hostPath: string): boolean | undefined {
      try {
        return isDirectoryMode(io().stat(hostPath)[0]!);
      } catch {
        return undefined;
      }
    },
    lastCap,
    permittedCaps,
    mountPointOf,
    mounts: () => parseMountinfo(io().readFile('/proc/self/mountinfo')),
    lsm: liveLsm,
    userNamespaces,
    procfsPidns,
  };
}

/** user.max_user_namespaces > 0: a throwaway of a user namespace of its own can be cloned. */
function userNamespaces(): boolean {
  try {
    return Number(io().readFile('/proc/sys/user/max_user_namespaces').trim()) > 0;
  } catch {
    return false;
  }
}

/** procfs takes "pidns" (fsconfig): the first stage can make a procfs of a pid namespace it is not in. */
function procfsPidns(): boolean {
  return native().probeKernel('procfs_pidns') === 0;
}

/** The mount point of the mount that holds hostPath: the longest mount point above it. */
function mountPointOf(hostPath: string): string {
  let target: string;
  try {
    target = io().realpath(hostPath);
  } catch {
    target = hostPath;
  }
  let best = '/';
  for (const { mountPoint: mp } of parseMountinfo(io().readFile('/proc/self/mountinfo'))) {
    const inside = mp === '/' || target === mp || target.startsWith(mp + '/');
    if (inside && mp.length > best.length) best = mp;
  }
  return best;
}
