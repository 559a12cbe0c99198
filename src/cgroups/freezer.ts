// The freezer state of a container's cgroups: read before the child is placed there (a frozen
// cgroup would stop it at its first step, and create would wait for nothing), and thawed only
// to end a child that stopped answering (a process frozen by cgroup v1 does not die of SIGKILL
// until it is thawed).

import * as path from '../sys/posix-path.js';
import type { CgroupManager, CgroupRecord } from './index.js';
import { CgroupV1 } from './v1.js';
import { CgroupV2 } from './v2.js';
import { readTrimmed } from './tree.js';

/** The cgroup2 directory of the record: the v2 driver's one, or a hybrid host's unified one. */
function v2Dir(rec: CgroupRecord): string | undefined {
  return rec.paths[''];
}

/**
 * The file saying the container's cgroup is frozen, with what it says ("…/freezer.state:
 * FROZEN"), or undefined when nothing is frozen. A frozen ancestor counts: v1's freezer.state
 * reports the state a cgroup is in, whoever froze it, and v2's cgroup.events says "frozen 1".
 */
export function frozenState(rec: CgroupRecord): string | undefined {
  const v1 = rec.version === 1 ? rec.paths['freezer'] : undefined;
  if (v1) {
    const state = readTrimmed(path.join(v1, 'freezer.state'));
    if (state === 'FROZEN' || state === 'FREEZING') return `${path.join(v1, 'freezer.state')}: ${state}`;
  }
  const v2 = v2Dir(rec);
  if (v2) {
    if (readTrimmed(path.join(v2, 'cgroup.freeze')) === '1') return `${path.join(v2, 'cgroup.freeze')}: 1`;
    if (/^frozen 1$/m.test(readTrimmed(path.join(v2, 'cgroup.events')) ?? '')) return `${path.join(v2, 'cgroup.events')}: frozen 1`;
  }
  return undefined;
}

/**
 * Thaws the container's own cgroups (not an ancestor: that is someone else's), best effort,
 * through the drivers' own thaw (resume's): the v1 freezer, and the cgroup2 directory (a v2
 * container's, or a hybrid host's unified one, which a v1 driver does not freeze but someone
 * else may have).
 */
export function thawCgroups(rec: CgroupRecord): void {
  const freezer = rec.version === 1 ? rec.paths['freezer'] : undefined;
  const v2 = v2Dir(rec);
  const drivers: CgroupManager[] = [];
  if (freezer) drivers.push(new CgroupV1({ freezer }));
  if (v2) drivers.push(new CgroupV2(v2));
  for (const driver of drivers) {
    try {
      driver.thaw();
    } catch {
      // not frozen, no freezer, or already gone
    }
  }
}
