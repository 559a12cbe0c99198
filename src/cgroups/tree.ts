// Directory work shared by the v1 and v2 drivers: making a cgroup, moving a pid into it,
// listing the pids of a cgroup subtree and removing a subtree bottom-up.

import { errnoCode, io, mkdirs, readIfExists, writeFile } from '../sys/io.js';
import * as path from '../sys/posix-path.js';
import { BerthError } from '../errors.js';
import type { CgroupFiles } from './resources/files.js';

function codeOf(err: unknown): string {
  return errnoCode(err) ?? String(err);
}

/** mkdir -p; true when dir itself is new, false when it was there already. */
export function makeCgroup(dir: string): boolean {
  try {
    return mkdirs(dir, 0o755);
  } catch (err) {
    throw new BerthError(`cannot create cgroup ${dir}: ${codeOf(err)}`);
  }
}

export function joinCgroup(dir: string, pid: number): void {
  try {
    writeFile(path.join(dir, 'cgroup.procs'), String(pid));
  } catch (err) {
    throw new BerthError(`cannot move process ${pid} into cgroup ${dir}: ${codeOf(err)}`);
  }
}

/** Every pid in dir and the cgroups below it; a cgroup already gone has none. */
export function pidsBelow(dir: string, into: Set<number>): void {
  let procs = '';
  try {
    procs = io().readFile(path.join(dir, 'cgroup.procs'));
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return;
    throw new BerthError(`cannot list the processes of cgroup ${dir}: ${codeOf(err)}`);
  }
  for (const line of procs.split('\n')) if (line) into.add(Number(line));
  for (const child of childCgroups(dir)) pidsBelow(child, into);
}

function childCgroups(dir: string): string[] {
  try {
    return io().readdir(dir).filter((e) => e.endsWith('/')).map((e) => path.join(dir, e.slice(0, -1)));
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return [];
    throw err;
  }
}

/** How long destroy() waits, in all, for just-killed processes to leave their cgroups. */
const BUSY_WAIT_MS = 1000;

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** rmdir: undefined when dir is gone (already gone too), else the error's code. */
function rmdirCode(dir: string): string | undefined {
  try {
    io().rmdir(dir);
    return undefined;
  } catch (err) {
    const code = codeOf(err);
    return code === 'ENOENT' ? undefined : code;
  }
}

/**
 * rmdir dir and every cgroup below it, deepest first, retrying EBUSY (processes still leaving)
 * until the deadline. Returns the directories that stayed busy. (A cgroup directory is removed
 * with its control files in it; rmdir refuses with EBUSY while processes or child cgroups remain.)
 * The rmdir comes first, as in runc's RemovePath: an empty cgroup (a stopped container's, the
 * usual case) then costs one call instead of a listing and a call; only a refused one is listed
 * (EBUSY on cgroupfs, ENOTEMPTY on the plain directories of the unit tests' fake host).
 */
function removeCgroupTree(dir: string, deadline: number): string[] {
  const first = rmdirCode(dir);
  if (first === undefined) return [];
  if (first !== 'EBUSY' && first !== 'ENOTEMPTY') throw new BerthError(`cannot remove cgroup ${dir}: ${first}`);
  const busy: string[] = [];
  for (const child of childCgroups(dir)) busy.push(...removeCgroupTree(child, deadline));
  if (busy.length) return busy;
  for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
    const code = rmdirCode(dir);
    if (code === undefined) return [];
    if (code !== 'EBUSY') throw new BerthError(`cannot remove cgroup ${dir}: ${code}`);
    const left = deadline - Date.now();
    if (left <= 0) return [dir];
    sleepSync(Math.min(delay, left));
  }
}

/** Remove each directory's cgroup subtree; throws naming every cgroup that stayed busy. */
export function destroyCgroups(dirs: Iterable<string>): void {
  const deadline = Date.now() + BUSY_WAIT_MS;
  const busy: string[] = [];
  for (const dir of dirs) busy.push(...removeCgroupTree(dir, deadline));
  if (busy.length) throw new BerthError(`cannot remove cgroup ${busy.join(', ')}: processes are still in it`);
}

/**
 * One rmdir per directory, nothing else: true when every one is gone afterwards (also when it
 * was gone already), so no process can be left in them. A busy directory (processes, child
 * cgroups) or any other refusal gives false and is left for pids() and destroyCgroups, which
 * report it as they always do; the directories removed meanwhile are simply gone for them.
 */
export function removeEmptyCgroups(dirs: Iterable<string>): boolean {
  let all = true;
  for (const dir of dirs) if (rmdirCode(dir) !== undefined) all = false;
  return all;
}

/** A cgroup file's text without its newline, or undefined when it cannot be read. */
export function readTrimmed(file: string): string | undefined {
  return readIfExists(file)?.trim();
}

/** The names in a cgroup directory (the stats look for hugetlb.<size>.* files); [] when gone. */
export function listCgroupDir(dir: string): string[] {
  try {
    return io().readdir(dir).map((e) => (e.endsWith('/') ? e.slice(0, -1) : e));
  } catch {
    return [];
  }
}

/** How long pause waits for the kernel to report the cgroup frozen, as runc (10 s). */
export const FREEZE_TIMEOUT_MS = 10_000;

/** Polls `done` with a growing sleep (1 ms .. 20 ms) until it holds or timeoutMs passed. */
export function waitUntil(done: () => boolean, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 20)) {
    if (done()) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    sleepSync(Math.min(delay, left));
  }
}

/** A control-file write (freezer) whose failure is an error naming the file. */
export function writeOrThrow(files: CgroupFiles, file: string, value: string): void {
  try {
    files.write(file, value);
  } catch (err) {
    throw new BerthError(`cannot write "${value}" to ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}
