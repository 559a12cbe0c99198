// The v1 and v2 drivers on fake hosts: creating, placing, listing, describing and removing.
// Plain directories stand in for cgroupfs, so "cgroup.procs" is an ordinary file here.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCgroupManager } from '../../src/cgroups/build.js';
import { cgroupManagerFromRecord, type CgroupRecord } from '../../src/cgroups/index.js';
import { InvalidState } from '../../src/errors.js';
import { withFakeHost } from '../helpers/cgroups-fake-host.js';

test('v1 create: one directory per hierarchy, idempotent', () => {
  withFakeHost('hybrid', ({ fsRoot, proc }) => {
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot }, proc);
    assert.is(cg.version, 1);
    cg.create();
    cg.create();
    for (const dir of ['cpu,cpuacct', 'cpuset', 'memory', 'devices', 'net_cls,net_prio', 'systemd', 'unified']) {
      assert.ok(fs.statSync(path.join(fsRoot, dir, 'berth/c')).isDirectory(), dir);
    }
    assert.not.ok(fs.existsSync(path.join(fsRoot, 'foo/berth')), 'a named hierarchy runc ignores is left alone');
    assert.is(cg.openForClone(), -1);
  });
});

test('v1 addProcess: the pid goes to every hierarchy once, the hybrid unified one included', () => {
  withFakeHost('hybrid', ({ fsRoot, proc }) => {
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot }, proc);
    cg.create();
    cg.addProcess(4242);
    const dirs = new Set(Object.values(cg.describe().paths));
    assert.is(dirs.size, 7);
    for (const dir of dirs) assert.is(fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8'), '4242', dir);
  });
});

test('pids: every hierarchy and every cgroup below the container, each pid once, sorted', () => {
  withFakeHost('hybrid', ({ fsRoot, proc }) => {
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot }, proc);
    cg.create();
    const { paths } = cg.describe();
    fs.writeFileSync(path.join(paths['memory']!, 'cgroup.procs'), '30\n10\n');
    fs.mkdirSync(path.join(paths['memory']!, 'nested/deeper'), { recursive: true });
    fs.writeFileSync(path.join(paths['memory']!, 'nested/cgroup.procs'), '');
    fs.writeFileSync(path.join(paths['memory']!, 'nested/deeper/cgroup.procs'), '20\n');
    fs.writeFileSync(path.join(paths['pids'] ?? paths['devices']!, 'cgroup.procs'), '10\n40\n');
    fs.writeFileSync(path.join(fsRoot, 'memory/berth/cgroup.procs'), '99\n'); // the parent's, not ours
    assert.equal(cg.pids(), [10, 20, 30, 40]);
  });
});

test('pids of a cgroup already removed: none', () => {
  withFakeHost('v2', ({ fsRoot, proc }) => {
    assert.equal(buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot }, proc).pids(), []);
  });
});

test('destroy removes the container cgroup and the cgroups below it, and nothing above', () => {
  withFakeHost('hybrid', ({ fsRoot, proc }) => {
    // A parent that existed before, like user.slice.
    for (const h of ['cpu,cpuacct', 'memory', 'systemd', 'unified']) fs.mkdirSync(path.join(fsRoot, h, 'user.slice'));
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: 'c', fsRoot }, proc);
    cg.create();
    const leaf = cg.describe().paths['memory']!;
    assert.is(leaf, path.join(fsRoot, 'memory/user.slice/user-0.slice/c'));
    fs.mkdirSync(path.join(leaf, 'sub/subsub'), { recursive: true }); // made by the container itself
    cg.destroy();
    for (const dir of Object.values(cg.describe().paths)) assert.not.ok(fs.existsSync(dir), dir);
    assert.ok(fs.existsSync(path.join(fsRoot, 'memory/user.slice')), 'the pre-existing parent stays');
    assert.ok(fs.existsSync(path.join(fsRoot, 'cpu,cpuacct/user.slice')), 'the pre-existing parent stays');
    cg.destroy(); // gone already: not an error
  });
});

test('removeIfEmpty: one rmdir per cgroup; true only when all are gone, false leaves a busy one to pids() and destroy()', () => {
  withFakeHost('hybrid', ({ fsRoot, proc }) => {
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot }, proc);
    cg.create();
    const dirs = [...new Set(Object.values(cg.describe().paths))];
    assert.ok(cg.removeIfEmpty(), 'empty cgroups');
    for (const dir of dirs) assert.not.ok(fs.existsSync(dir), dir);
    assert.ok(fs.existsSync(path.join(fsRoot, 'memory/berth')), 'the parent stays');
    assert.ok(cg.removeIfEmpty(), 'gone already: nothing can be in them');

    cg.create();
    const memory = cg.describe().paths['memory']!;
    fs.writeFileSync(path.join(memory, 'cgroup.procs'), '77\n'); // a plain directory with a file refuses rmdir, as a populated cgroup does
    fs.mkdirSync(path.join(cg.describe().paths['devices']!, 'sub'));
    assert.not.ok(cg.removeIfEmpty(), 'a cgroup with a process or a child cgroup');
    assert.ok(fs.existsSync(memory));
    assert.ok(fs.existsSync(path.join(cg.describe().paths['devices']!, 'sub')));
    assert.not.ok(fs.existsSync(cg.describe().paths['pids'] ?? cg.describe().paths['systemd']!), 'the empty ones are gone');
    assert.equal(cg.pids(), [77], 'pids() still finds the process');
    fs.rmSync(path.join(memory, 'cgroup.procs'));
    cg.destroy();
    for (const dir of dirs) assert.not.ok(fs.existsSync(dir), dir);
  });
  withFakeHost('v2', ({ fsRoot, proc }) => {
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot }, proc);
    cg.create();
    assert.ok(cg.removeIfEmpty());
    assert.not.ok(fs.existsSync(path.join(fsRoot, 'berth/c')));
  });
});

test('removeIfEmpty leaves a cgroup that existed before create alone, and says false', () => {
  withFakeHost('v2', ({ fsRoot, proc }) => {
    fs.mkdirSync(path.join(fsRoot, 'berth/c'), { recursive: true });
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot }, proc);
    cg.create();
    assert.not.ok(cg.removeIfEmpty());
    assert.ok(fs.existsSync(path.join(fsRoot, 'berth/c')));
    const again = cgroupManagerFromRecord(JSON.parse(JSON.stringify(cg.describe())) as CgroupRecord, fsRoot);
    assert.not.ok(again.removeIfEmpty(), 'kept survives the record');
    assert.ok(fs.existsSync(path.join(fsRoot, 'berth/c')));
  });
});

test('v2: one directory, an fd for CLONE_INTO_CGROUP, placement by cgroup.procs as fallback', () => {
  withFakeHost('v2', ({ fsRoot, proc }) => {
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot }, proc);
    assert.is(cg.version, 2);
    cg.create();
    const dir = path.join(fsRoot, 'berth/c');
    assert.ok(fs.statSync(dir).isDirectory());
    const fd = cg.openForClone();
    try {
      assert.ok(fd >= 0);
      assert.ok(fs.fstatSync(fd).isDirectory());
      assert.is(fs.fstatSync(fd).ino, fs.statSync(dir).ino, 'the fd is the container cgroup');
    } finally {
      fs.closeSync(fd);
    }
    cg.addProcess(77);
    assert.equal(cg.pids(), [77]);
    fs.rmSync(path.join(dir, 'cgroup.procs')); // a real cgroupfs dir can be removed with its files
    cg.destroy();
    assert.not.ok(fs.existsSync(dir));
    assert.ok(fs.existsSync(path.join(fsRoot, 'cgroup.controllers')));
  });
});

test('v1 cpuset: a new cgroup inherits cpus and mems from the nearest ancestor that has them', () => {
  withFakeHost('v1', ({ fsRoot, proc }) => {
    // cgroupfs makes these files with every directory; plain directories need them made.
    const level = (rel: string, cpus: string, mems: string) => {
      fs.mkdirSync(path.join(fsRoot, 'cpuset', rel), { recursive: true });
      fs.writeFileSync(path.join(fsRoot, 'cpuset', rel, 'cpuset.cpus'), cpus);
      fs.writeFileSync(path.join(fsRoot, 'cpuset', rel, 'cpuset.mems'), mems);
    };
    level('.', '0-7', '0');
    level('pod', '2-3', '\n');
    level('pod/c', '', '');
    buildCgroupManager({ id: 'c', cgroupsPath: '/pod/c', fsRoot }, proc).create();
    const read = (rel: string, f: string) => fs.readFileSync(path.join(fsRoot, 'cpuset', rel, f), 'utf8');
    assert.equal([read('pod', 'cpuset.cpus'), read('pod', 'cpuset.mems')], ['2-3', '0'], 'an empty level is filled from its parent');
    assert.equal([read('pod/c', 'cpuset.cpus'), read('pod/c', 'cpuset.mems')], ['2-3', '0']);
    assert.is(read('.', 'cpuset.cpus'), '0-7');
  });
});

test('describe -> fromRecord gives a manager for the same cgroups (v1 and v2)', () => {
  for (const layout of ['hybrid', 'v2'] as const) {
    withFakeHost(layout, ({ fsRoot, proc }) => {
      const first = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot }, proc);
      first.create();
      first.addProcess(5);
      const stored = JSON.parse(JSON.stringify(first.describe())) as CgroupRecord;
      const again = cgroupManagerFromRecord(stored, fsRoot);
      assert.is(again.version, first.version);
      assert.equal(again.describe(), first.describe());
      assert.equal(again.pids(), [5]);
      assert.is(again.openForClone() >= 0, layout === 'v2');
    });
  }
});

test('fromRecord refuses paths outside the cgroup root and malformed records', () => {
  const bad: unknown[] = [
    { version: 1, paths: { memory: '/etc' } },
    { version: 1, paths: { memory: '/sys/fs/cgroup' } },
    { version: 1, paths: { memory: '/sys/fs/cgroup/memory/../../../etc' } },
    { version: 1, paths: { memory: 'memory/c' } },
    { version: 1, paths: { memory: 7 } },
    { version: 2, paths: { memory: '/sys/fs/cgroup/c' } },
    { version: 2, paths: { '': '/sys/fs/cgroup/c', x: '/sys/fs/cgroup/d' } },
    { version: 3, paths: { '': '/sys/fs/cgroup/c' } },
  ];
  for (const r of bad) {
    assert.throws(() => cgroupManagerFromRecord(r as CgroupRecord), (e: unknown) => e instanceof InvalidState, JSON.stringify(r));
  }
  assert.is(cgroupManagerFromRecord({ version: 2, paths: { '': '/sys/fs/cgroup/c' } }).version, 2);
});

test.run();
