// Capability names -> numbers and the bit sets capset(2) takes. Unknown names are warnings,
// as the runtime-spec asks, and are left out of the sets.

import type { Capabilities } from '../spec/types.js';
import { CAPABILITIES } from './linux-constants.js';

export interface CapabilitySets {
  bounding: number[];
  effective: number[];
  permitted: number[];
  inheritable: number[];
  ambient: number[];
}

/**
 * @param grantable the capabilities the runtime itself holds (undefined = every one): a
 *   container cannot get more, so the others are warned about and left out instead of making
 *   capset fail, as the spec asks for capabilities the platform cannot grant.
 */
export function resolveCapabilities(
  caps: Capabilities | undefined,
  lastCap: number,
  warn: (msg: string) => void,
  grantable?: bigint,
): CapabilitySets {
  const unavailable = new Set<string>();
  const lookup = (list: string[] | undefined, field: string): number[] => {
    const out: number[] = [];
    (list ?? []).forEach((name, i) => {
      const n = CAPABILITIES.indexOf(name);
      // Names no kernel knows were already warned about by spec/semantic.ts; skip them here.
      if (n < 0) return;
      if (n > lastCap) warn(`/process/capabilities/${field}/${i}: ${name} is not known to this kernel, ignored`);
      else if (grantable !== undefined && ((grantable >> BigInt(n)) & 1n) === 0n) unavailable.add(name);
      else if (!out.includes(n)) out.push(n);
    });
    return out;
  };
  const sets = {
    bounding: lookup(caps?.bounding, 'bounding'),
    effective: lookup(caps?.effective, 'effective'),
    permitted: lookup(caps?.permitted, 'permitted'),
    inheritable: lookup(caps?.inheritable, 'inheritable'),
    ambient: lookup(caps?.ambient, 'ambient'),
  };
  for (const name of unavailable) warn(`/process/capabilities: ${name} is not held by the runtime, so it cannot be granted: ignored`);
  // The kernel raises an ambient capability only when it is permitted and inheritable too
  // (spec/semantic.ts warns about the config); asking anyway would only fail the create.
  sets.ambient = sets.ambient.filter((c) => sets.permitted.includes(c) && sets.inheritable.includes(c));
  return sets;
}

/** A capability list as the two 32-bit words of a capset v3 data array: [low, high]. */
export function capWords(caps: readonly number[]): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const c of caps) {
    if (c < 32) lo = (lo | (1 << c)) >>> 0;
    else hi = (hi | (1 << (c - 32))) >>> 0;
  }
  return [lo, hi];
}
