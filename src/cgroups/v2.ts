// The cgroup v2 driver (pure v2 host): one directory in the unified hierarchy. The child can be
// born in it with clone3(CLONE_INTO_CGROUP), so no window exists where it runs outside.
// Controllers are not enabled yet (resource limits come later).

import fs from 'node:fs';
import { BerthError } from '../errors.js';
import type { CgroupManager, CgroupRecord } from './index.js';
import { destroyCgroups, joinCgroup, makeCgroup, pidsBelow } from './tree.js';

export class CgroupV2 implements CgroupManager {
  readonly version = 2 as const;

  constructor(private readonly dir: string) {}

  create(): void {
    makeCgroup(this.dir);
  }

  openForClone(): number {
    try {
      // O_RDONLY | O_DIRECTORY | O_CLOEXEC: the caller hands the fd to clone3 and closes it.
      return fs.openSync(this.dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | 0o2000000);
    } catch (err) {
      throw new BerthError(`cannot open cgroup ${this.dir}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  }

  addProcess(pid: number): void {
    joinCgroup(this.dir, pid);
  }

  pids(): number[] {
    const all = new Set<number>();
    pidsBelow(this.dir, all);
    return [...all].sort((a, b) => a - b);
  }

  destroy(): void {
    destroyCgroups([this.dir]);
  }

  describe(): CgroupRecord {
    return { version: 2, paths: { '': this.dir } };
  }
}
