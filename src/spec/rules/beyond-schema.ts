// Values the official runtime-spec schema refuses but runc accepts and real engines send. berth
// accepts them too (its schema, schemas/build.js, is loosened at exactly these places) and warns
// once per value, naming the JSON path, so a config meant for other runtimes can be fixed.
// test/unit/schemas.test.ts lists the same places as the expected differences from the
// official schema.

import type { Spec } from '../types.js';
import type { Findings } from './findings.js';

/** The places and values berth's schema accepts beyond the official one. */
export const ACCEPTED_BEYOND_SCHEMA: readonly { jsonPath: string; values: readonly string[]; why: string }[] = [
  {
    jsonPath: '/linux/rootfsPropagation',
    values: ['rprivate', 'rshared', 'rslave', 'runbindable'],
    why: 'runc and crun take it (containerd\'s CRI plugin sends rslave and rshared); it means what the plain word means, as berth applies the root\'s propagation recursively anyway',
  },
];

export function checkBeyondSchema(f: Findings, spec: Spec): void {
  const propagation = spec.linux?.rootfsPropagation;
  const rule = ACCEPTED_BEYOND_SCHEMA[0]!;
  if (propagation !== undefined && rule.values.includes(propagation)) {
    f.warn(rule.jsonPath, `"${propagation}" is not one of the values runtime-spec lists (private, shared, slave, unbindable); accepted: ${rule.why}`);
  }
}
