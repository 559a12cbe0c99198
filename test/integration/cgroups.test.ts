// Cgroup placement for real, as root, on this hybrid host: the v1 driver (every v1 hierarchy
// plus the unified one), and the v2 driver on the real cgroup2 mount at /sys/fs/cgroup/unified
// (clone3 with CLONE_INTO_CGROUP, and cgroup.procs). Nothing may be left under /sys/fs/cgroup.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cgroupManagerFor, type CgroupManager } from '../../src/cgroups/index.js';
import { parseMountinfo } from '../../src/cgroups/detect.js';
import { OpCode } from '../../src/plan/ops.js';
import { native } from '../../src/sys/addon.js';
import { keepingRootControl, skipOnPureV2, V2_MOUNT } from '../helpers/unified-root.js';

const UNIFIED = V2_MOUNT;

function sleeper(): ChildProcess {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  assert.ok(child.pid, 'sleep started');
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** /proc/<pid>/cgroup as hierarchy -> path ("" for cgroup2). */
function cgroupsOf(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n')) {
    const [, controllers, p] = /^\d+:([^:]*):(.*)$/.exec(line)!;
    out.set(controllers!, p!);
  }
  return out;
}

/** Leftover directories named like ours anywhere under /sys/fs/cgroup (mount points one level down). */
function leftovers(name: string): string[] {
  return fs.readdirSync('/sys/fs/cgroup').map((h) => path.join('/sys/fs/cgroup', h, name)).filter((d) => fs.existsSync(d));
}

/** Last-resort cleanup after a failed assertion: kill what is left, then remove the cgroups. */
async function cleanUp(cg: CgroupManager, children: ChildProcess[], extraPids: number[] = []): Promise<void> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const pid of [...extraPids, ...cg.pids()]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await Promise.all(children.map(exited));
  cg.destroy();
}

test('hybrid host: a process lands in every v1 hierarchy and the unified one; destroy removes all', async () => {
  if (skipOnPureV2()) return;
  const name = `berth-it-cg-${process.pid}`;
  const cg = cgroupManagerFor({ id: name, cgroupsPath: `/${name}` });
  const children: ChildProcess[] = [];
  try {
    assert.is(cg.version, 1);
    assert.is(cg.openForClone(), -1);

    // Every v1 hierarchy mounted under /sys/fs/cgroup, and the unified one, is managed.
    const mounted = parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8')).filter(
      (m) => path.dirname(m.mountPoint) === '/sys/fs/cgroup' && (m.fsType === 'cgroup' || m.fsType === 'cgroup2'),
    );
    const dirs = new Set(Object.values(cg.describe().paths));
    assert.equal([...dirs].sort(), mounted.map((m) => path.join(m.mountPoint, name)).sort());
    assert.is(cg.describe().paths[''], path.join(UNIFIED, name));

    cg.create();
    cg.create(); // idempotent
    for (const d of dirs) assert.ok(fs.statSync(d).isDirectory(), d);

    const child = sleeper();
    children.push(child);
    cg.addProcess(child.pid!);

    const seen = cgroupsOf(child.pid!);
    assert.is(seen.size, mounted.length, 'one line per hierarchy');
    for (const [hierarchy, p] of seen) assert.is(p, `/${name}`, `hierarchy "${hierarchy}"`);
    assert.equal(cg.pids(), [child.pid!]);

    // A live process keeps its cgroups: destroy says so after a short wait and removes nothing.
    assert.throws(() => cg.destroy(), /processes are still in it/);
    for (const d of dirs) assert.ok(fs.existsSync(d), d);
    assert.equal(cg.pids(), [child.pid!]);

    // destroy right after the kill: rmdir may meet EBUSY until the process is gone.
    child.kill('SIGKILL');
    cg.destroy();
    assert.equal(leftovers(name), []);
    await exited(child);
    cg.destroy(); // already gone: fine
  } finally {
    await cleanUp(cg, children);
  }
  assert.equal(leftovers(name), []);
});

test('a cgroup that existed before create is left in place by destroy', async () => {
  const name = `berth-it-cg-pre-${process.pid}`;
  const before = cgroupManagerFor({ id: name, cgroupsPath: `/${name}` });
  const dirs = [...new Set(Object.values(before.describe().paths))];
  for (const d of dirs) fs.mkdirSync(d);
  try {
    const cg = cgroupManagerFor({ id: name, cgroupsPath: `/${name}` });
    cg.create();
    assert.equal([...cg.kept].sort(), [...dirs].sort());
    cg.destroy();
    for (const d of dirs) assert.ok(fs.existsSync(d), `${d} is still there`);
    // ...also when rebuilt from the record state.json keeps.
    const { cgroupManagerFromRecord } = await import('../../src/cgroups/index.js');
    cgroupManagerFromRecord(cg.describe()).destroy();
    for (const d of dirs) assert.ok(fs.existsSync(d), `${d} is still there`);
  } finally {
    for (const d of dirs) fs.rmdirSync(d);
  }
});

test('v2 driver on the real cgroup2 mount: clone3 into the cgroup, and cgroup.procs', async () => keepingRootControl(UNIFIED, async () => {
  const name = `berth-it-cg2-${process.pid}`;
  const cg = cgroupManagerFor({ id: name, cgroupsPath: `/${name}`, fsRoot: UNIFIED });
  const dir = path.join(UNIFIED, name);
  const children: ChildProcess[] = [];
  let cloned = 0;
  let fd = -1;
  try {
    assert.is(cg.version, 2);
    assert.equal(cg.describe(), { version: 2, paths: { '': dir } });
    cg.create();
    fd = cg.openForClone();
    assert.ok(fd >= 0);

    // Born inside: clone3(CLONE_INTO_CGROUP) with the fd, no cgroup.procs write.
    const addon = native();
    const spawned = addon.spawn({
      cloneFlags: 0,
      cgroupFd: fd,
      ops: [
        { code: OpCode.ResolveExec, s: ['/bin/sleep', '/usr/bin/sleep'] },
        { code: OpCode.Exec, n: [2, 0], s: ['sleep', '30'] },
      ],
    });
    cloned = spawned.pid;
    addon.close(spawned.syncFd);
    assert.is(cgroupsOf(cloned).get(''), `/${name}`);

    // Placed afterwards, as when clone3 cannot take a cgroup.
    const child = sleeper();
    children.push(child);
    assert.is.not(cgroupsOf(child.pid!).get(''), `/${name}`);
    cg.addProcess(child.pid!);
    assert.is(cgroupsOf(child.pid!).get(''), `/${name}`);
    assert.equal(cg.pids(), [cloned, child.pid!].sort((a, b) => a - b));

    process.kill(cloned, 'SIGKILL');
    child.kill('SIGKILL');
    await addon.waitPid(cloned);
    cloned = 0;
    await exited(child);
    cg.destroy();
    assert.not.ok(fs.existsSync(dir));
  } finally {
    if (fd >= 0) fs.closeSync(fd);
    await cleanUp(cg, children, cloned ? [cloned] : []);
    if (cloned) await native().waitPid(cloned);
  }
  assert.not.ok(fs.existsSync(dir));
}));

test.run();
