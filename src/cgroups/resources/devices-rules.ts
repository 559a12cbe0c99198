// The device access list, worked out once for both cgroup versions. Rules are taken in order,
// config rules first and the runtime's default allowances after them (as runc does), and
// played through a model of the v1 devices controller: a default (allow all or deny all) plus a
// list of exceptions. The result is what v1 ends up with after writing the rules one by one,
// and it is what the v2 eBPF program enforces, so both versions agree.

import { ConfigError } from '../../errors.js';
import type { Device, DeviceCgroupRule } from '../../spec/types.js';

export type DevType = 'a' | 'b' | 'c';

export interface DeviceRule {
  type: DevType;
  /** -1 = any */
  major: number;
  /** -1 = any */
  minor: number;
  /** letters of "rwm", in that order */
  access: string;
  allow: boolean;
  /** config.json pointer, or a description for the runtime's own rules */
  at: string;
}

export interface DeviceAccess {
  defaultAllow: boolean;
  /** devices treated the other way from the default */
  exceptions: DeviceRule[];
}

const ANY = -1;

/** Allowed in every container, after the config's rules (runc's list). */
const DEFAULT_ALLOWED: readonly (Omit<DeviceRule, 'at' | 'allow'> & { path?: string })[] = [
  { type: 'c', major: ANY, minor: ANY, access: 'm' }, // mknod of any node; using it still needs a rule
  { type: 'b', major: ANY, minor: ANY, access: 'm' },
  { type: 'c', major: 1, minor: 3, access: 'rwm', path: '/dev/null' },
  { type: 'c', major: 1, minor: 8, access: 'rwm', path: '/dev/random' },
  { type: 'c', major: 1, minor: 7, access: 'rwm', path: '/dev/full' },
  { type: 'c', major: 5, minor: 0, access: 'rwm', path: '/dev/tty' },
  { type: 'c', major: 1, minor: 5, access: 'rwm', path: '/dev/zero' },
  { type: 'c', major: 1, minor: 9, access: 'rwm', path: '/dev/urandom' },
  { type: 'c', major: 136, minor: ANY, access: 'rwm' }, // /dev/pts/*
  { type: 'c', major: 5, minor: 2, access: 'rwm' }, // /dev/ptmx
  { type: 'c', major: 10, minor: 200, access: 'rwm' }, // /dev/net/tun
];

function normAccess(access: string): string {
  return ['r', 'w', 'm'].filter((c) => access.includes(c)).join('');
}

/**
 * The rules in the order they apply: linux.resources.devices, then the defaults. A default
 * whose path linux.devices also lists is left out (the config's node takes its place, and the
 * config must allow it itself), as runc does.
 */
export function deviceRules(configRules: readonly DeviceCgroupRule[] | undefined, linuxDevices: readonly Device[] | undefined): DeviceRule[] {
  const rules: DeviceRule[] = (configRules ?? []).map((r, i) => {
    const at = `/linux/resources/devices/${i}`;
    if (!r.access) throw new ConfigError(`${at}/access`, 'is empty; give the access the rule is about (r, w, m)');
    return {
      type: (r.type || 'a') as DevType, // absent or empty: all devices, as with runc
      major: r.major ?? ANY,
      minor: r.minor ?? ANY,
      access: normAccess(r.access),
      allow: r.allow,
      at,
    };
  });
  const taken = new Set((linuxDevices ?? []).map((d) => d.path));
  for (const d of DEFAULT_ALLOWED) {
    if (d.path && taken.has(d.path)) continue;
    rules.push({ type: d.type, major: d.major, minor: d.minor, access: d.access, allow: true, at: 'the default device rules' });
  }
  return rules;
}

const keyOf = (r: { type: string; major: number; minor: number }) => `${r.type} ${r.major}:${r.minor}`;

/** Play the rules through the model. A fresh cgroup is taken as deny-all (the first v1 write). */
export function resolveDeviceAccess(rules: readonly DeviceRule[]): DeviceAccess {
  let defaultAllow = false;
  let exceptions = new Map<string, DeviceRule>();

  const add = (r: DeviceRule) => {
    const had = exceptions.get(keyOf(r));
    const access = normAccess((had?.access ?? '') + r.access);
    exceptions.set(keyOf(r), { ...r, access, allow: !defaultAllow });
  };
  const remove = (r: DeviceRule) => {
    // The kernel only trims an exception with exactly this type/major/minor. A wildcard
    // exception that also covers this device would silently keep allowing (or denying) it:
    // refuse rather than leave that false impression.
    for (const wide of [{ ...r, major: ANY }, { ...r, minor: ANY }, { ...r, major: ANY, minor: ANY }]) {
      if (keyOf(wide) === keyOf(r)) continue;
      const e = exceptions.get(keyOf(wide));
      if (e && [...r.access].some((c) => e.access.includes(c))) {
        throw new ConfigError(r.at, `cannot carve ${keyOf(r)} out of the earlier wildcard rule ${keyOf(e)} ${e.access} (${e.at}); the devices controller ignores such holes`);
      }
    }
    const e = exceptions.get(keyOf(r));
    if (!e) return;
    const left = [...e.access].filter((c) => !r.access.includes(c)).join('');
    if (left) exceptions.set(keyOf(r), { ...e, access: left });
    else exceptions.delete(keyOf(r));
  };

  for (const r of rules) {
    if (r.type === 'a') {
      // "a" means every device: it resets the list whatever major, minor and access say.
      defaultAllow = r.allow;
      exceptions = new Map();
    } else if (r.allow === defaultAllow) {
      remove(r);
    } else {
      add(r);
    }
  }
  return { defaultAllow, exceptions: [...exceptions.values()] };
}

/** A rule as the v1 devices files and devices.list spell it: "c 1:3 rwm", "b *:* m". */
export function ruleText(r: { type: string; major: number; minor: number; access: string }): string {
  const n = (v: number) => (v < 0 ? '*' : String(v));
  return `${r.type} ${n(r.major)}:${n(r.minor)} ${r.access}`;
}
