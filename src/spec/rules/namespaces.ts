// Rules for /linux/namespaces and what depends on them: each type once, absolute paths, user
// namespace mappings (needed by a new user namespace, meaningless without one, and acceptable
// to the kernel), the process's ids mapped, and time offsets on a new time namespace.

import type { IdMapping, Spec } from '../types.js';
import { pointer } from '../json-pointer.js';
import type { Findings } from './findings.js';
import type { NamespaceView } from './namespace-view.js';
import { checkAbsolute } from './paths.js';

export function checkNamespaceList(f: Findings, spec: Spec): void {
  const first = new Map<string, number>();
  (spec.linux?.namespaces ?? []).forEach((ns, i) => {
    const at = `/linux/namespaces/${i}`;
    const earlier = first.get(ns.type);
    if (earlier !== undefined) f.fail(`${at}/type`, `the ${ns.type} namespace is already listed at /linux/namespaces/${earlier}`);
    first.set(ns.type, i);
    if (ns.path !== undefined) checkAbsolute(f, `${at}/path`, ns.path, 'namespace path');
  });
}

// Since Linux 4.15 a uid_map or gid_map holds at most 340 lines.
const MAX_MAP_LINES = 340;
const ID_LIMIT = 2 ** 32;

/** One mapping list as the kernel will take it: non-empty ranges inside 32 bits, no overlaps. */
export function checkIdMappings(f: Findings, at: string, maps: readonly IdMapping[]): void {
  if (maps.length > MAX_MAP_LINES) f.fail(at, `has ${maps.length} entries; the kernel takes at most ${MAX_MAP_LINES}`);
  maps.forEach((m, i) => {
    if (m.size < 1) f.fail(`${at}/${i}/size`, 'must be at least 1');
    if (m.containerID + m.size > ID_LIMIT) f.fail(`${at}/${i}`, 'the container range runs past the last 32-bit id');
    if (m.hostID + m.size > ID_LIMIT) f.fail(`${at}/${i}`, 'the host range runs past the last 32-bit id');
    for (let j = 0; j < i; j++) {
      const o = maps[j]!;
      if (overlaps(m.containerID, m.size, o.containerID, o.size)) f.fail(`${at}/${i}`, `its container ids overlap those of ${at}/${j}`);
      if (overlaps(m.hostID, m.size, o.hostID, o.size)) f.fail(`${at}/${i}`, `its host ids overlap those of ${at}/${j}`);
    }
  });
}

const overlaps = (a: number, an: number, b: number, bn: number) => a < b + bn && b < a + an;

const mapsId = (maps: readonly IdMapping[], id: number) => maps.some((m) => id >= m.containerID && id < m.containerID + m.size);

export function checkUserNamespace(f: Findings, spec: Spec, ns: NamespaceView): void {
  const uidMaps = spec.linux?.uidMappings ?? [];
  const gidMaps = spec.linux?.gidMappings ?? [];
  if (!ns.has('user')) {
    if (uidMaps.length) f.fail('/linux/uidMappings', 'id mappings need a user namespace in /linux/namespaces');
    if (gidMaps.length) f.fail('/linux/gidMappings', 'id mappings need a user namespace in /linux/namespaces');
    return;
  }
  checkIdMappings(f, '/linux/uidMappings', uidMaps);
  checkIdMappings(f, '/linux/gidMappings', gidMaps);
  // A joined user namespace brings its own maps; a new one is useless without them.
  if (!ns.created('user')) return;
  if (!uidMaps.length) f.fail('/linux/uidMappings', 'a new user namespace needs uid mappings');
  if (!gidMaps.length) f.fail('/linux/gidMappings', 'a new user namespace needs gid mappings');
  // An unmapped id makes setresuid/setgroups fail inside the container with a bare EINVAL.
  const user = spec.process?.user;
  if (!user) return;
  if (user.uid !== undefined && !mapsId(uidMaps, user.uid)) f.fail('/process/user/uid', `${user.uid} is not mapped by /linux/uidMappings`);
  if (user.gid !== undefined && !mapsId(gidMaps, user.gid)) f.fail('/process/user/gid', `${user.gid} is not mapped by /linux/gidMappings`);
  (user.additionalGids ?? []).forEach((g, i) => {
    if (!mapsId(gidMaps, g)) f.fail(`/process/user/additionalGids/${i}`, `${g} is not mapped by /linux/gidMappings`);
  });
}

const CLOCKS = new Set(['monotonic', 'boottime']);

/** Offsets are written to a time namespace before any process enters it: only a new one works. */
export function checkTimeOffsets(f: Findings, spec: Spec, ns: NamespaceView): void {
  const offsets = spec.linux?.timeOffsets ?? {};
  for (const [clock, offset] of Object.entries(offsets)) {
    const at = pointer('linux', 'timeOffsets', clock);
    if (!CLOCKS.has(clock)) f.fail(at, `"${clock}" has no offset in a time namespace: only monotonic and boottime do`);
    if (!ns.has('time')) f.fail(at, 'time offsets need a new time namespace in /linux/namespaces');
    if (ns.joined('time')) f.fail(at, 'time offsets cannot be set on a joined time namespace, only on a new one');
    if ((offset.nanosecs ?? 0) >= 1e9) f.fail(`${at}/nanosecs`, `${offset.nanosecs} is a second or more: keep it below 1000000000`);
  }
}
