// The cgroupfs driver: directories per hierarchy, pids via cgroup.procs. Works for v1, v2 and
// hybrid layouts alike; v2-only behaviour (CLONE_INTO_CGROUP) is keyed on the record version.

import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors.js';
import type { CgroupManager, CgroupRecord } from './index.js';
import type { Hierarchy } from './detect.js';

const O_PATH = 0o10000000;
const O_DIRECTORY = 0o200000;
const O_CLOEXEC = 0o2000000;

export class CgroupDirs implements CgroupManager {
  readonly version: 1 | 2;
  private created: string[];

  constructor(private readonly record: CgroupRecord, private readonly hierarchies: Hierarchy[]) {
    this.version = record.version;
    this.created = [...(record.created ?? [])];
  }

  create(): void {
    for (const [key, dir] of Object.entries(this.record.paths)) {
      const mount = this.hierarchies.find((h) => h.key === key)?.mountPoint ?? '/';
      const missing: string[] = [];
      for (let d = dir; d.startsWith(mount) && d !== mount && !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
      for (const d of missing) {
        fs.mkdirSync(d);
        this.created.push(d);
        // A new v1 cpuset starts empty and refuses tasks: inherit the parent's cpus and mems.
        if (key.split(',').includes('cpuset')) {
          for (const f of ['cpuset.cpus', 'cpuset.mems']) {
            if (readTrim(path.join(d, f)) === '') fs.writeFileSync(path.join(d, f), readTrim(path.join(path.dirname(d), f)));
          }
        }
      }
    }
  }

  openForClone(): number {
    if (this.version !== 2) return -1;
    const dir = Object.values(this.record.paths)[0]!;
    return fs.openSync(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  }

  addProcess(pid: number): void {
    for (const dir of Object.values(this.record.paths)) {
      try {
        fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
      } catch (err) {
        throw new BerthError(`cannot join cgroup ${dir}: ${(err as Error).message}`);
      }
    }
  }

  pids(): number[] {
    const all = new Set<number>();
    const walk = (dir: string) => {
      for (const line of readTrim(path.join(dir, 'cgroup.procs')).split('\n')) if (line) all.add(Number(line));
      let entries: fs.Dirent[] = [];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
    };
    for (const dir of Object.values(this.record.paths)) walk(dir);
    return [...all];
  }

  destroy(): void {
    // The container's own directories first, retried while just-killed processes leave them
    // (EBUSY); then the parents create() made, which may be shared with others and stay if so.
    for (const dir of Object.values(this.record.paths)) removeCgroupDir(dir, 200);
    for (const dir of this.created.slice().reverse()) removeCgroupDir(dir, 0);
  }

  describe(): CgroupRecord {
    return { version: this.version, paths: { ...this.record.paths }, created: [...this.created] };
  }
}

function removeCgroupDir(dir: string, retries: number): void {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' && code !== 'ENOTEMPTY') throw err;
      if (attempt >= retries) {
        if (retries) throw new BerthError(`cannot remove cgroup ${dir}: still in use`);
        return;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

function readTrim(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
