// Writes a new user namespace's uid/gid maps for the clone child. Each map is one write(2),
// as the kernel requires.

import { nodeFs } from '../sys/node-fs.js';
import type { IdMapping } from '../spec/types.js';

export function formatIdMap(maps: readonly IdMapping[]): string {
  return maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

export function writeIdMaps(pid: number, uid: readonly IdMapping[], gid: readonly IdMapping[]): void {
  nodeFs().writeFileSync(`/proc/${pid}/uid_map`, formatIdMap(uid));
  nodeFs().writeFileSync(`/proc/${pid}/gid_map`, formatIdMap(gid));
}
