// Every check of the suite, area by area, in the order the tables list them.

import type { Check } from '../lib/check.js';
import { capabilityChecks } from './caps.js';
import { cgroupChecks } from './cgroups.js';
import { configChecks } from './config.js';
import { deviceChecks } from './devices.js';
import { hookChecks } from './hooks.js';
import { lifecycleChecks } from './lifecycle.js';
import { mountChecks } from './mounts.js';
import { namespaceChecks } from './namespaces.js';
import { netDeviceChecks } from './netdevices.js';
import { pathChecks } from './paths.js';
import { processChecks } from './process.js';
import { propagationChecks } from './propagation.js';
import { rootfsChecks } from './rootfs.js';
import { seccompChecks } from './seccomp.js';
import { stateChecks } from './state.js';
import { sysctlChecks } from './sysctl.js';
import { usernsChecks } from './userns.js';
import { utsChecks } from './uts.js';

export const allChecks: Check[] = [
  ...lifecycleChecks,
  ...stateChecks,
  ...configChecks,
  ...namespaceChecks,
  ...usernsChecks,
  ...utsChecks,
  ...rootfsChecks,
  ...mountChecks,
  ...propagationChecks,
  ...deviceChecks,
  ...pathChecks,
  ...sysctlChecks,
  ...netDeviceChecks,
  ...processChecks,
  ...capabilityChecks,
  ...cgroupChecks,
  ...seccompChecks,
  ...hookChecks,
];

const seen = new Set<string>();
for (const c of allChecks) {
  if (seen.has(c.id)) throw new Error(`duplicate check id ${c.id}`);
  seen.add(c.id);
}
