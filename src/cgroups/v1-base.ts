// The cgroup v1 driver's placement half: one directory per mounted hierarchy (co-mounted
// controllers such as cpu,cpuacct share one), plus the unified cgroup2 hierarchy on a hybrid
// host. The record keys each directory by controller name ("cpu", "name=systemd", "" for the
// hybrid unified one), as runc's state does. Making, joining, listing, freezing and removing
// the cgroups is here; the limits and statistics (v1.ts) are most of the driver's code and only
// create, update and events need them, so the short commands (kill, delete) load only this.

import * as path from '../sys/posix-path.js';
import { BerthError } from '../errors.js';
import type { CgroupPlacement, CgroupRecord } from './placement.js';
import { writeFile } from '../sys/io.js';
import { destroyCgroups, FREEZE_TIMEOUT_MS, joinCgroup, makeCgroup, pidsBelow, readTrimmed, removeEmptyCgroups, waitUntil, writeOrThrow } from './tree.js';
import { realCgroupFiles, type CgroupFiles } from './resources/files.js';

export class CgroupV1Placement implements CgroupPlacement {
  /** cgroups that existed before create(): destroy() leaves them */
  readonly kept = new Set<string>();
  private readonly made = new Set<string>();
  readonly version = 1 as const;

  constructor(
    protected readonly paths: Readonly<Record<string, string>>,
    protected readonly files: CgroupFiles = realCgroupFiles,
    /** the cgroup2 mount point of a hybrid host (only create and applyResources need it) */
    protected readonly unifiedMount?: string,
  ) {}

  /** Each directory once, however many controllers share it. */
  private dirs(): string[] {
    return [...new Set(Object.values(this.paths))];
  }

  create(): void {
    for (const dir of this.dirs()) {
      if (makeCgroup(dir)) this.made.add(dir);
      else if (!this.made.has(dir)) this.kept.add(dir);
    }
    const cpuset = this.paths['cpuset'];
    if (cpuset) inheritCpuset(cpuset);
  }

  openForClone(): number {
    return -1; // CLONE_INTO_CGROUP takes one cgroup2 directory; v1 needs the parent to write pids
  }

  addProcess(pid: number): void {
    for (const dir of this.dirs()) joinCgroup(dir, pid);
  }

  pids(): number[] {
    const all = new Set<number>();
    for (const dir of this.dirs()) pidsBelow(dir, all);
    return [...all].sort((a, b) => a - b);
  }

  destroy(): void {
    destroyCgroups(this.dirs().filter((d) => !this.kept.has(d)));
  }

  removeIfEmpty(): boolean {
    return this.kept.size === 0 && removeEmptyCgroups(this.dirs());
  }

  /** freezer.state in the freezer hierarchy; pause and resume need that controller. */
  private freezerState(): string {
    const dir = this.paths['freezer'];
    if (!dir) throw new BerthError('the freezer cgroup controller is not mounted on this host: cannot pause or resume');
    return path.join(dir, 'freezer.state');
  }

  freeze(timeoutMs = FREEZE_TIMEOUT_MS): void {
    const file = this.freezerState();
    writeOrThrow(this.files, file, 'FROZEN');
    // FREEZING until every task has stopped; the kernel finishes it on the next read.
    if (waitUntil(() => this.files.read(file)?.trim() === 'FROZEN', timeoutMs)) return;
    writeOrThrow(this.files, file, 'THAWED');
    throw new BerthError(`timeout of ${timeoutMs} ms reached waiting for the cgroup to freeze (${file})`);
  }

  thaw(): void {
    const file = this.freezerState();
    writeOrThrow(this.files, file, 'THAWED');
    if (!waitUntil(() => this.files.read(file)?.trim() === 'THAWED', FREEZE_TIMEOUT_MS)) {
      throw new BerthError(`the cgroup did not thaw (${file} reads ${this.files.read(file)?.trim()})`);
    }
  }

  isFrozen(): boolean {
    const dir = this.paths['freezer'];
    return !!dir && this.files.read(path.join(dir, 'freezer.state'))?.trim() === 'FROZEN';
  }

  describe(): CgroupRecord {
    return { version: 1, paths: { ...this.paths }, ...(this.kept.size ? { kept: [...this.kept] } : {}) };
  }
}

/**
 * A new v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems and refuses processes
 * (ENOSPC) until they are set. Copy them down from the nearest ancestor that has them, as
 * runc does. Levels that already have values are left as they are.
 */
function inheritCpuset(leaf: string): void {
  const chain: string[] = [];
  for (let dir = leaf; ; dir = path.dirname(dir)) {
    const cpus = readTrimmed(path.join(dir, 'cpuset.cpus'));
    if (cpus === undefined) return; // left the hierarchy without finding values (not a cpuset fs)
    chain.unshift(dir);
    if (cpus && readTrimmed(path.join(dir, 'cpuset.mems'))) break;
    if (dir === path.dirname(dir)) return;
  }
  for (let i = 1; i < chain.length; i++) {
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const own = path.join(chain[i]!, file);
      if (readTrimmed(own)) continue;
      const value = readTrimmed(path.join(chain[i - 1]!, file)) ?? '';
      try {
        writeFile(own, value);
      } catch (err) {
        throw new BerthError(`cannot set ${own} to "${value}": ${(err as NodeJS.ErrnoException).code ?? err}`);
      }
    }
  }
}
