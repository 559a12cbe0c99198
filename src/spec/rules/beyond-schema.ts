// Values the official runtime-spec schema refuses but runc accepts and real engines send. berth
// accepts them too (its schema, schemas/build.js, is loosened at exactly these places) and warns
// once per value, naming the JSON path, so a config meant for other runtimes can be fixed.
// test/unit/schemas.test.ts lists the same places as the expected differences from the
// official schema.

import type { Spec } from '../types.js';
import type { Findings } from './findings.js';

interface AcceptedBeyondSchema {
  jsonPath: string;
  values: readonly string[];
  why: string;
}

const ROOTFS_PROPAGATION: AcceptedBeyondSchema = {
  jsonPath: '/linux/rootfsPropagation',
  values: ['rprivate', 'rshared', 'rslave', 'runbindable'],
  why: 'runc and crun take it (containerd\'s CRI plugin sends rslave and rshared); it means what the plain word means, as berth applies the root\'s propagation recursively anyway',
};

/** The places and values berth's schema accepts beyond the official one. */
export const ACCEPTED_BEYOND_SCHEMA: readonly AcceptedBeyondSchema[] = [ROOTFS_PROPAGATION];

export function checkBeyondSchema(f: Findings, spec: Spec): void {
  const propagation = spec.linux?.rootfsPropagation;
  if (propagation !== undefined && ROOTFS_PROPAGATION.values.includes(propagation)) {
    f.warn(ROOTFS_PROPAGATION.jsonPath, `"${propagation}" is not one of the values runtime-spec lists (private, shared, slave, unbindable); accepted: ${ROOTFS_PROPAGATION.why}`);
  }
}
