// The freezer state of a container's cgroups: read before the child is placed there (a frozen
// cgroup would stop it at its first step, and create would wait for nothing), and thawed only
// to end a child that stopped answering (a process frozen by cgroup v1 does not die of SIGKILL
// until it is thawed).

import fs from 'node:fs';
import path from 'node:path';
import type { CgroupRecord } from './index.js';

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

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
    const state = read(path.join(v1, 'freezer.state'));
    if (state === 'FROZEN' || state === 'FREEZING') return `${path.join(v1, 'freezer.state')}: ${state}`;
  }
  const v2 = v2Dir(rec);
  if (v2) {
    if (read(path.join(v2, 'cgroup.freeze')) === '1') return `${path.join(v2, 'cgroup.freeze')}: 1`;
    if (/^frozen 1$/m.test(read(path.join(v2, 'cgroup.events')) ?? '')) return `${path.join(v2, 'cgroup.events')}: frozen 1`;
  }
  return undefined;
}

/** Thaws the container's own cgroups (not an ancestor: that is someone else's). Best effort. */
export function thawCgroups(rec: CgroupRecord): void {
  const write = (file: string, value: string) => {
    try {
      fs.writeFileSync(file, value);
    } catch {
      // not frozen, no freezer, or already gone
    }
  };
  const v1 = rec.version === 1 ? rec.paths['freezer'] : undefined;
  if (v1) write(path.join(v1, 'freezer.state'), 'THAWED');
  const v2 = v2Dir(rec);
  if (v2) write(path.join(v2, 'cgroup.freeze'), '0');
}
