// linux.netDevices: host network devices moved into the container's network namespace
// (config-linux.md "Network Devices"). Each keeps its permanent addresses of global scope,
// which a move across namespaces would otherwise drop, and is set up there. Nothing is moved
// back at delete: when the namespace goes, the kernel returns physical devices to the host
// and destroys virtual ones, as the spec asks.

import { nodeFs } from '../sys/node-fs.js';
import { ConfigError } from '../errors.js';
import { pointer } from '../spec/json-pointer.js';
import type { Spec } from '../spec/types.js';
import type { NativeAddon, NetdevAddress } from '../sys/native.js';

const IFA_F_PERMANENT = 0x80;
const RT_SCOPE_UNIVERSE = 0;
/** The flags RTM_NEWADDR takes from a request; the others describe the kernel's own state. */
const IFA_F_REQUESTABLE = 0x02 /* NODAD */ | 0x10 /* HOMEADDRESS */ | 0x100 /* MANAGETEMPADDR */ | 0x200 /* NOPREFIXROUTE */ | IFA_F_PERMANENT;

/** The addresses that travel with a device: permanent ones of global scope. */
export function addressesToKeep(all: readonly NetdevAddress[]): NetdevAddress[] {
  return all
    .filter((a) => (a.flags & IFA_F_PERMANENT) !== 0 && a.scope === RT_SCOPE_UNIVERSE)
    .map((a) => ({ ...a, flags: a.flags & IFA_F_REQUESTABLE }));
}

/** Moves every listed device into the network namespace of `pid`. */
export function moveNetDevices(addon: NativeAddon, spec: Spec, pid: number): void {
  const devices = Object.entries(spec.linux?.netDevices ?? {});
  if (devices.length === 0) return;
  const nsFd = nodeFs().openSync(`/proc/${pid}/ns/net`, 'r');
  try {
    for (const [hostName, dev] of devices) {
      const at = pointer('linux', 'netDevices', hostName);
      try {
        const keep = addressesToKeep(addon.netdevAddresses(hostName));
        addon.netdevMove(hostName, dev.name || hostName, nsFd, keep);
      } catch (err) {
        throw new ConfigError(at, (err as Error).message);
      }
    }
  } finally {
    nodeFs().closeSync(nsFd);
  }
}
