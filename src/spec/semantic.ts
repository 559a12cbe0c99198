// Rules config.json must follow that a JSON Schema cannot express. Each names the JSON path.
// Where the spec only asks for a warning (an unknown capability), plan/ warns instead.

import { ConfigError } from '../errors.js';
import { RLIMITS } from '../plan/linux-constants.js';
import type { Spec } from './types.js';

export function checkSemantics(spec: Spec): void {
  if (!/^1\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(spec.ociVersion)) {
    throw new ConfigError('/ociVersion', `"${spec.ociVersion}" is not a runtime-spec 1.x version`);
  }
  if (!spec.root) throw new ConfigError('/root', 'is required on Linux');
  const proc = spec.process;
  if (proc && !proc.cwd.startsWith('/')) throw new ConfigError('/process/cwd', `"${proc.cwd}" must be an absolute path`);
  const seenRlimits = new Set<string>();
  (proc?.rlimits ?? []).forEach((r, i) => {
    if (!(r.type in RLIMITS)) throw new ConfigError(`/process/rlimits/${i}/type`, `"${r.type}" is not a Linux rlimit`);
    if (seenRlimits.has(r.type)) throw new ConfigError(`/process/rlimits/${i}/type`, `${r.type} is set twice`);
    seenRlimits.add(r.type);
    if (r.soft > r.hard) throw new ConfigError(`/process/rlimits/${i}`, `soft limit ${r.soft} is above hard limit ${r.hard}`);
  });

  const namespaces = spec.linux?.namespaces ?? [];
  const types = new Set<string>();
  namespaces.forEach((ns, i) => {
    if (types.has(ns.type)) throw new ConfigError(`/linux/namespaces/${i}/type`, `namespace "${ns.type}" is listed twice`);
    types.add(ns.type);
    if (ns.path !== undefined && !ns.path.startsWith('/')) {
      throw new ConfigError(`/linux/namespaces/${i}/path`, `"${ns.path}" must be an absolute path`);
    }
  });
  const newUser = namespaces.some((n) => n.type === 'user' && !n.path);
  const hasMaps = (spec.linux?.uidMappings?.length ?? 0) > 0 || (spec.linux?.gidMappings?.length ?? 0) > 0;
  if (newUser && !((spec.linux?.uidMappings?.length ?? 0) > 0 && (spec.linux?.gidMappings?.length ?? 0) > 0)) {
    throw new ConfigError('/linux/uidMappings', 'a new user namespace needs uidMappings and gidMappings');
  }
  if (hasMaps && !newUser) throw new ConfigError('/linux/uidMappings', 'uid/gid mappings need a new user namespace');
  if (spec.linux?.timeOffsets && Object.keys(spec.linux.timeOffsets).length && !namespaces.some((n) => n.type === 'time' && !n.path)) {
    throw new ConfigError('/linux/timeOffsets', 'time offsets need a new time namespace');
  }
  const newUts = namespaces.some((n) => n.type === 'uts');
  if (spec.hostname !== undefined && spec.hostname !== '' && !newUts) {
    throw new ConfigError('/hostname', 'setting the hostname needs a uts namespace');
  }
  if (spec.domainname !== undefined && spec.domainname !== '' && !newUts) {
    throw new ConfigError('/domainname', 'setting the domainname needs a uts namespace');
  }
  for (const key of Object.keys(spec.linux?.sysctl ?? {})) {
    if (!/^[A-Za-z0-9_-]+([./][A-Za-z0-9_*-]+)*$/.test(key) || key.includes('..')) {
      throw new ConfigError(`/linux/sysctl/${key}`, 'is not a sysctl name');
    }
  }
}
