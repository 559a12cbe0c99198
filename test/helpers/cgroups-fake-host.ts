// A fake cgroup host in a temp directory for the cgroups unit tests: mount points are plain
// directories, and /proc/self/mountinfo and /proc/self/cgroup are texts handed to the driver.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProcReader } from '../../src/cgroups/detect.js';
import type { CgroupFiles } from '../../src/cgroups/resources/files.js';

export type Layout = 'v1' | 'hybrid' | 'v2';

export interface FakeHost {
  fsRoot: string;
  proc: ProcReader;
  cleanup(): void;
}

/** Where this fake process sits: relative cgroupsPaths are resolved from here. */
export const SELF_CGROUP = [
  '12:name=foo:/',
  '11:net_cls,net_prio:/',
  '5:memory:/user.slice/user-0.slice',
  '4:cpu,cpuacct:/user.slice',
  '3:cpuset:/',
  '2:devices:/user.slice',
  '1:name=systemd:/user.slice/user-0.slice/session-1.scope',
  '0::/user.slice/user-0.slice/session-1.scope',
].join('\n');

/** v1 mounts as a Debian hybrid host has them, plus a named hierarchy runc ignores. */
const V1_MOUNTS: [string, string][] = [
  ['cpu,cpuacct', 'rw,cpu,cpuacct'],
  ['cpuset', 'rw,cpuset'],
  ['memory', 'rw,memory'],
  ['devices', 'rw,devices'],
  ['net_cls,net_prio', 'rw,net_cls,net_prio'],
  ['systemd', 'rw,xattr,name=systemd'],
  ['foo', 'rw,name=foo'],
];

export function fakeHost(layout: Layout, selfCgroup = SELF_CGROUP): FakeHost {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cgtest-'));
  const fsRoot = path.join(base, 'cgroup');
  fs.mkdirSync(fsRoot);
  const lines = [`20 1 0:20 / ${base} rw - tmpfs tmpfs rw`];
  let id = 30;
  if (layout === 'v2') {
    lines.push(`${id} 20 0:${id} / ${fsRoot} rw,nosuid - cgroup2 cgroup2 rw,nsdelegate`);
    fs.writeFileSync(path.join(fsRoot, 'cgroup.controllers'), 'cpu io memory pids\n');
  } else {
    lines.push(`${id} 20 0:${id} / ${fsRoot} rw - tmpfs tmpfs rw,mode=755`);
    for (const [dir, opts] of V1_MOUNTS) {
      id++;
      fs.mkdirSync(path.join(fsRoot, dir));
      lines.push(`${id} 30 0:${id} / ${path.join(fsRoot, dir)} rw,relatime - cgroup cgroup ${opts}`);
    }
    if (layout === 'hybrid') {
      fs.mkdirSync(path.join(fsRoot, 'unified'));
      lines.push(`${id + 1} 30 0:${id + 1} / ${path.join(fsRoot, 'unified')} rw - cgroup2 cgroup2 rw`);
    }
  }
  const mountinfo = lines.join('\n') + '\n';
  return {
    fsRoot,
    proc: { mountinfo: () => mountinfo, selfCgroup: () => selfCgroup },
    cleanup: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}

/** Run body with a fresh fake host, always removing it afterwards. */
export function withFakeHost(layout: Layout, body: (h: FakeHost) => void): void {
  const h = fakeHost(layout);
  try {
    body(h);
  } finally {
    h.cleanup();
  }
}

/**
 * Cgroup file access for the fake tree. Unlike cgroupfs it creates files on write, and it
 * mimics the two behaviours the resource code relies on: "+c"/"-c" writes to
 * cgroup.subtree_control add to / remove from the enabled set, and a child's
 * cgroup.controllers (when not written by the test) is what its parent enables.
 * Every write is logged as [path, value] in order.
 */
export function fakeCgroupFiles(log: [string, string][] = []): CgroupFiles & { log: [string, string][] } {
  const read = (file: string): string | undefined => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      if (path.basename(file) !== 'cgroup.controllers') return undefined;
      const parentControl = path.join(path.dirname(path.dirname(file)), 'cgroup.subtree_control');
      return fs.existsSync(parentControl) ? fs.readFileSync(parentControl, 'utf8') : undefined;
    }
  };
  return {
    log,
    read,
    exists: (file) => fs.existsSync(file),
    write(file, value) {
      log.push([file, value]);
      if (path.basename(file) === 'cgroup.subtree_control') {
        const on = new Set((read(file) ?? '').split(/\s+/).filter(Boolean));
        for (const w of value.split(/\s+/).filter(Boolean)) {
          if (w.startsWith('+')) on.add(w.slice(1));
          else if (w.startsWith('-')) on.delete(w.slice(1));
        }
        fs.writeFileSync(file, [...on].join(' '));
        return;
      }
      fs.writeFileSync(file, value);
    },
  };
}
