// cgroup v1 devices: the resolved access list written into a fresh cgroup. "a" to
// devices.deny first empties the list and denies everything (the kernel's own reset), then the
// default flips back to allow-all when the rules ended that way, then each exception goes to
// the file that makes it an exception. The cgroup has no processes yet, so the moment of
// deny-all harms nobody.

import type { CgroupDir } from './files.js';
import { ruleText, type DeviceAccess } from './devices-rules.js';

export interface DeviceWrite {
  file: 'devices.allow' | 'devices.deny';
  value: string;
  at: string;
}

export function v1DeviceWrites(access: DeviceAccess): DeviceWrite[] {
  const out: DeviceWrite[] = [{ file: 'devices.deny', value: 'a', at: '/linux/resources/devices' }];
  if (access.defaultAllow) out.push({ file: 'devices.allow', value: 'a', at: '/linux/resources/devices' });
  for (const e of access.exceptions) {
    out.push({ file: e.allow ? 'devices.allow' : 'devices.deny', value: ruleText(e), at: e.at });
  }
  return out;
}

export function applyV1Devices(dir: CgroupDir, access: DeviceAccess): void {
  for (const w of v1DeviceWrites(access)) dir.write(w.at, w.file, w.value);
}
