// Rules for paths inside the container: mounts (destination, bind source, id-mapped mounts),
// device nodes, masked and read-only paths.

import { nodeFs } from '../../sys/node-fs.js';
import type { Mount, Spec } from '../types.js';
import type { Findings } from './findings.js';
import type { NamespaceView } from './namespace-view.js';
import { checkIdMappings } from './namespaces.js';
import { checkAbsolute, containerPath, hasNul, isWithin } from './paths.js';

// Files below /proc that may be mounted over: the ones lxcfs emulates (runc's list). Anything
// else below /proc is refused, as runc does since CVE-2019-16884 (a bind over /proc/self/attr).
export const LXCFS_PROC_FILES: readonly string[] = [
  '/proc/cpuinfo', '/proc/diskstats', '/proc/meminfo', '/proc/stat', '/proc/swaps', '/proc/uptime',
  '/proc/loadavg', '/proc/slabinfo', '/proc/net/dev', '/proc/sys/kernel/ns_last_pid', '/proc/sys/crypto/fips_enabled',
];

// A bind over /proc is kept only when its source is itself a procfs (the host's /proc, as
// rootless engines bind it); anything else there would catch what berth writes under /proc.
const PROC_SUPER_MAGIC = 0x9fa0;
function isProcfs(source: string | undefined): boolean {
  try {
    return source !== undefined && nodeFs().statfsSync(source).type === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

const isBind = (m: Mount) => m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind');

export function checkMounts(f: Findings, spec: Spec, ns: NamespaceView): void {
  (spec.mounts ?? []).forEach((m, i) => {
    const at = `/mounts/${i}`;
    const dest = m.destination;
    const atDest = `${at}/destination`;
    if (dest === '') f.fail(atDest, 'is empty');
    if (hasNul(dest)) f.fail(atDest, 'the destination contains a NUL byte');
    // config.md: relative destinations are deprecated and taken as relative to "/".
    if (!dest.startsWith('/')) f.warn(atDest, `relative destination "${dest}" is deprecated; it is taken as "/${dest}"`);
    const inside = containerPath(f, atDest, dest);
    if (inside === '/') f.fail(atDest, `"${dest}" is the container's / itself; give the root filesystem in /root/path`);
    if (isWithin(inside, '/proc') && inside !== '/proc' && !LXCFS_PROC_FILES.includes(inside)) {
      f.fail(atDest, `"${dest}" is inside /proc; only /proc itself and the files lxcfs provides may be mounted there`);
    }
    if (inside === '/proc' && m.type !== 'proc' && !(isBind(m) && isProcfs(m.source))) {
      f.fail(atDest, `"${dest}" must be a proc mount (type "proc", or a bind of a procfs), not ${isBind(m) ? `a bind of ${m.source}` : `type "${m.type ?? ''}"`}: berth writes process attributes under /proc`);
    }
    if (m.source !== undefined && hasNul(m.source)) f.fail(`${at}/source`, 'the source contains a NUL byte');
    if (isBind(m) && !m.source) f.fail(`${at}/source`, 'a bind mount needs a source');
    const options = m.options ?? [];
    for (let j = 0; j < options.length; j++) if (hasNul(options[j]!)) f.fail(`${at}/options/${j}`, 'the option contains a NUL byte');
    checkIdMappedMount(f, at, m, ns);
  });
}

/** config.md: uidMappings and gidMappings come together; idmap/ridmap without maps need a user namespace. */
function checkIdMappedMount(f: Findings, at: string, m: Mount, ns: NamespaceView): void {
  const wantsIdmap = (m.options ?? []).some((o) => o === 'idmap' || o === 'ridmap');
  if (m.uidMappings === undefined && m.gidMappings === undefined) {
    if (wantsIdmap && !ns.has('user')) f.fail(`${at}/options`, 'an idmap mount without uidMappings and gidMappings needs a user namespace');
    return;
  }
  if (m.uidMappings === undefined) f.fail(`${at}/uidMappings`, 'is required along with gidMappings');
  if (m.gidMappings === undefined) f.fail(`${at}/gidMappings`, 'is required along with uidMappings');
  checkIdMappings(f, `${at}/uidMappings`, m.uidMappings);
  checkIdMappings(f, `${at}/gidMappings`, m.gidMappings);
  if (!wantsIdmap) f.warn(`${at}/options`, 'a mount with id mappings should say "idmap" or "ridmap" in its options');
}

export function checkDevices(f: Findings, spec: Spec): void {
  const byPath = new Map<string, number>();
  (spec.linux?.devices ?? []).forEach((d, i) => {
    const at = `/linux/devices/${i}`;
    checkAbsolute(f, `${at}/path`, d.path, 'device path');
    const inside = containerPath(f, `${at}/path`, d.path);
    if (inside === '/') f.fail(`${at}/path`, 'is the container\'s / itself');
    if (d.type !== 'p') {
      if (d.major === undefined) f.fail(`${at}/major`, `is required for a device of type "${d.type}"`);
      if (d.minor === undefined) f.fail(`${at}/minor`, `is required for a device of type "${d.type}"`);
    }
    // The same node twice is harmless; two different nodes on one path cannot both exist.
    const earlier = byPath.get(inside);
    if (earlier !== undefined) {
      const o = spec.linux!.devices![earlier]!;
      if (o.type !== d.type || o.major !== d.major || o.minor !== d.minor) {
        f.fail(`${at}/path`, `${inside} is already a different device at /linux/devices/${earlier}`);
      }
    }
    byPath.set(inside, i);
  });
}

export function checkMaskedAndReadonly(f: Findings, spec: Spec): void {
  for (const field of ['maskedPaths', 'readonlyPaths'] as const) {
    const paths = spec.linux?.[field] ?? [];
    for (let i = 0; i < paths.length; i++) {
      const p = paths[i]!;
      if (!p.startsWith('/') || hasNul(p)) checkAbsolute(f, `/linux/${field}/${i}`, p);
      containerPath(f, `/linux/${field}/${i}`, p);
    }
  }
}
