// Rules for /linux/sysctl. Only namespaced sysctls may be set, and only when the container has
// the namespace that holds them (runc's rules): otherwise the write would change the host.
// Keys are written "net.ipv4.ip_forward" or "net/ipv4/ip_forward"; in the dotted form a "/"
// stands for a "." inside one name (sysctl.d(5)): "net.ipv4.conf.eno2/100.rp_filter".

import { pointer } from '../json-pointer.js';
import type { Spec } from '../types.js';
import type { Findings } from './findings.js';
import type { NamespaceView } from './namespace-view.js';
import { hasSpaceOrControl } from './paths.js';

/** The names along the /proc/sys path of a key, whichever separator it uses. */
export function sysctlComponents(key: string): string[] {
  const dot = key.indexOf('.');
  const slash = key.indexOf('/');
  if (slash >= 0 && (dot < 0 || slash < dot)) return key.split('/');
  return slash < 0 ? key.split('.') : key.split('.').map((part) => part.split('/').join('.'));
}

/** The file under /proc/sys a key names, e.g. "net/ipv4/conf/eno2.100/rp_filter". */
export function sysctlProcPath(key: string): string {
  return sysctlComponents(key).join('/');
}

// IPC sysctls live in the ipc namespace (fs.mqueue.* too).
const IPC_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/**
 * kernel.hostname and kernel.domainname set what /hostname and /domainname set: when both are
 * given and differ, one of them cannot be applied as specified. Docker sends kernel.domainname
 * for its --domainname, so agreeing values (or the sysctl alone) are fine.
 */
function checkAgreesWithField(f: Findings, at: string, value: string, spec: Spec, field: 'hostname' | 'domainname'): void {
  const given = spec[field];
  if (given !== undefined && given !== value) {
    f.fail(at, `"${value}" disagrees with /${field} "${given}": both set the ${field}, so one of them cannot be applied`);
  }
}

export function checkSysctl(f: Findings, spec: Spec, ns: NamespaceView): void {
  for (const [key, value] of Object.entries(spec.linux?.sysctl ?? {})) {
    const at = pointer('linux', 'sysctl', key);
    const parts = sysctlComponents(key);
    if (parts.some((p) => p === '' || p === '.' || p === '..' || hasSpaceOrControl(p))) {
      f.fail(at, `"${key}" is not a sysctl name like net.ipv4.ip_forward`);
    }
    const name = parts.join('.');
    if (IPC_SYSCTLS.has(name) || name.startsWith('fs.mqueue.')) {
      if (!ns.has('ipc')) f.fail(at, `${name} can only be set in an ipc namespace of the container's own`);
    } else if (name.startsWith('net.')) {
      if (!ns.has('network')) f.fail(at, `${name} can only be set in a network namespace of the container's own`);
    } else if ((name === 'kernel.domainname' || name === 'kernel.hostname') && ns.has('uts')) {
      checkAgreesWithField(f, at, value, spec, name === 'kernel.hostname' ? 'hostname' : 'domainname');
    } else {
      f.fail(at, `${name} is not namespaced (or its namespace is not the container's own): setting it would change the host`);
    }
  }
}
