// The cgroup v2 driver's placement half (pure v2 host): one directory in the unified hierarchy.
// The limits and statistics are v2.ts: only create, update and events load them. The child can be
// born in it with clone3(CLONE_INTO_CGROUP), so no window exists where it runs outside.
// create() enables every controller the hierarchy offers in each ancestor's
// cgroup.subtree_control, from the mount point down to the container's parent, as runc does:
// a controller is only usable in a cgroup whose parent delegates it, and enabling all of them
// (not only those the limits need) lets engines read memory, io and pids statistics.

import * as path from '../sys/posix-path.js';
import { BerthError } from '../errors.js';
import type { CgroupPlacement, CgroupRecord } from './placement.js';
import { io, O_CLOEXEC, O_DIRECTORY, O_RDONLY } from '../sys/io.js';
import { destroyCgroups, FREEZE_TIMEOUT_MS, joinCgroup, makeCgroup, pidsBelow, removeEmptyCgroups, waitUntil, writeOrThrow } from './tree.js';
import { realCgroupFiles, type CgroupFiles } from './resources/files.js';

export class CgroupV2Placement implements CgroupPlacement {
  /** cgroups that existed before create(): destroy() leaves them */
  readonly kept = new Set<string>();
  private readonly made = new Set<string>();
  readonly version = 2 as const;
  /** set when pids.max is 0: then no fork may land in the cgroup, clone3 into it included */
  protected noForkInto = false;

  /** mountPoint is unknown when rebuilt from state.json; only create() needs it. */
  constructor(
    protected readonly dir: string,
    protected readonly mountPoint?: string,
    protected readonly files: CgroupFiles = realCgroupFiles,
  ) {}

  create(): void {
    if (makeCgroup(this.dir)) this.made.add(this.dir);
    else if (!this.made.has(this.dir)) this.kept.add(this.dir);
    if (this.mountPoint) enableControllers(this.mountPoint, this.dir, this.files);
  }

  openForClone(): number {
    if (this.noForkInto) return -1; // the parent moves the child in instead (migration is not a fork)
    try {
      // O_RDONLY | O_DIRECTORY | O_CLOEXEC: the caller hands the fd to clone3 and closes it.
      return io().open(this.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
    if (!this.kept.has(this.dir)) destroyCgroups([this.dir]);
  }

  removeIfEmpty(): boolean {
    return this.kept.size === 0 && removeEmptyCgroups([this.dir]);
  }

  /**
   * cgroup.freeze 1, then wait for "frozen 1" in cgroup.events: the kernel sets it once every
   * task has stopped (a task in an uninterruptible sleep can delay it). Bounded, as runc's.
   */
  freeze(timeoutMs = FREEZE_TIMEOUT_MS): void {
    const file = path.join(this.dir, 'cgroup.freeze');
    writeOrThrow(this.files, file, '1');
    if (waitUntil(() => this.eventsSay('frozen', '1'), timeoutMs)) return;
    writeOrThrow(this.files, file, '0');
    throw new BerthError(`timeout of ${timeoutMs} ms reached waiting for the cgroup to freeze (${this.dir})`);
  }

  thaw(): void {
    writeOrThrow(this.files, path.join(this.dir, 'cgroup.freeze'), '0');
  }

  /** What was asked (cgroup.freeze), as runc reads it: a freeze still settling counts as paused. */
  isFrozen(): boolean {
    return this.files.read(path.join(this.dir, 'cgroup.freeze'))?.trim() === '1';
  }

  private eventsSay(key: string, value: string): boolean {
    const text = this.files.read(path.join(this.dir, 'cgroup.events')) ?? '';
    return text.split('\n').some((l) => l.trim() === `${key} ${value}`);
  }

  describe(): CgroupRecord {
    return { version: 2, paths: { '': this.dir }, ...(this.kept.size ? { kept: [...this.kept] } : {}) };
  }
}

/**
 * "+c" for every controller each level has, from mountPoint down to dir's parent. All at once
 * first; if the kernel refuses the set (one controller cannot be enabled there, e.g. a threaded
 * subtree), one at a time, ignoring refusals: a limit that needs a missing controller is
 * reported later, naming its config field.
 */
export function enableControllers(mountPoint: string, dir: string, files: CgroupFiles): void {
  const rel = path.relative(mountPoint, dir);
  if (!rel || rel.startsWith('..')) return;
  const parts = rel.split('/');
  let level = mountPoint;
  for (let i = 0; i < parts.length; i++) {
    const available = (files.read(path.join(level, 'cgroup.controllers')) ?? '').split(/\s+/).filter(Boolean);
    const enabled = new Set((files.read(path.join(level, 'cgroup.subtree_control')) ?? '').split(/\s+/).filter(Boolean));
    const missing = available.filter((c) => !enabled.has(c));
    if (missing.length) {
      const control = path.join(level, 'cgroup.subtree_control');
      try {
        files.write(control, missing.map((c) => '+' + c).join(' '));
      } catch {
        for (const c of missing) {
          try {
            files.write(control, '+' + c);
          } catch {
            // reported by applyResources if a limit needs it
          }
        }
      }
    }
    level = path.join(level, parts[i]!);
  }
}
