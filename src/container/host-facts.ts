// The few host facts the pure plan builder needs, read from the live system.

import fs from 'node:fs';
import type { HostFacts } from '../plan/mounts.js';

let lastCap: number | undefined;

export function liveHostFacts(): HostFacts {
  if (lastCap === undefined) {
    lastCap = Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  }
  return {
    isDirectory(hostPath: string): boolean | undefined {
      try {
        return fs.statSync(hostPath).isDirectory();
      } catch {
        return undefined;
      }
    },
    lastCap,
  };
}
