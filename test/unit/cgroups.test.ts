// Host detection and cgroupsPath resolution, on fake hosts described by mountinfo text.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCgroupManager } from '../../src/cgroups/build.js';
import { detectLayout, parseMountinfo, parseProcCgroup } from '../../src/cgroups/detect.js';
import { innerCgroupPath } from '../../src/cgroups/path.js';
import { BerthError, ConfigError } from '../../src/errors.js';
import { withFakeHost } from '../helpers/cgroups-fake-host.js';

test('mountinfo: fields, optional fields and octal escapes', () => {
  const [m] = parseMountinfo('36 25 0:33 /docker/a\\040b /sys/fs/cgroup/my\\040cpu rw,relatime shared:9 master:2 - cgroup cgroup rw,cpu,cpuacct\n');
  assert.equal(m, { mountPoint: '/sys/fs/cgroup/my cpu', root: '/docker/a b', fsType: 'cgroup', superOptions: ['rw', 'cpu', 'cpuacct'] });
});

test('/proc/self/cgroup: co-mounted controllers, named hierarchies and the cgroup2 line', () => {
  const own = parseProcCgroup('4:cpu,cpuacct:/a\n1:name=systemd:/b\n0::/c\n');
  assert.equal([...own.entries()], [['cpu', '/a'], ['cpuacct', '/a'], ['name=systemd', '/b'], ['', '/c']]);
});

test('detect v1: one hierarchy per mount, co-mounts kept together, unknown named hierarchies skipped', () => {
  withFakeHost('v1', ({ fsRoot, proc }) => {
    const layout = detectLayout(fsRoot, proc);
    assert.ok(layout && layout.version === 1);
    if (layout?.version !== 1) return;
    assert.equal(layout.unified, undefined);
    assert.equal(
      layout.hierarchies.map((h) => [path.basename(h.mountPoint), h.controllers]),
      [
        ['cpu,cpuacct', ['cpu', 'cpuacct']],
        ['cpuset', ['cpuset']],
        ['memory', ['memory']],
        ['devices', ['devices']],
        ['net_cls,net_prio', ['net_cls', 'net_prio']],
        ['systemd', ['name=systemd']],
      ],
    );
  });
});

test('detect hybrid: v1 hierarchies plus cgroup2 at <root>/unified', () => {
  withFakeHost('hybrid', ({ fsRoot, proc }) => {
    const layout = detectLayout(fsRoot, proc);
    assert.is(layout?.version, 1);
    if (layout?.version !== 1) return;
    assert.is(layout.unified?.mountPoint, path.join(fsRoot, 'unified'));
    assert.is(layout.hierarchies.length, 6);
  });
});

test('detect v2: cgroup2 at the root itself, with cgroup.controllers', () => {
  withFakeHost('v2', ({ fsRoot, proc }) => {
    assert.equal(detectLayout(fsRoot, proc), { version: 2, unified: { mountPoint: fsRoot, root: '/', controllers: [] } });
    fs.rmSync(path.join(fsRoot, 'cgroup.controllers'));
    assert.is(detectLayout(fsRoot, proc), undefined, 'a cgroup2 mount without cgroup.controllers is not trusted');
  });
});

test('detect: the last mount on a mount point wins; a controller mounted twice counts once', () => {
  const text = [
    '30 1 0:30 / /cg rw - tmpfs tmpfs rw',
    '31 30 0:31 / /cg/memory rw - cgroup cgroup rw,memory',
    '32 30 0:32 / /cg/memory rw - tmpfs tmpfs rw', // hides the memory hierarchy
    '33 30 0:33 / /cg/pids rw - cgroup cgroup rw,pids',
    '34 30 0:33 / /cg/pids2 rw - cgroup cgroup rw,pids',
    '35 1 0:35 / /elsewhere/cpu rw - cgroup cgroup rw,cpu', // not below the root
  ].join('\n');
  const layout = detectLayout('/cg', { mountinfo: () => text, selfCgroup: () => '' });
  assert.equal(layout, { version: 1, hierarchies: [{ mountPoint: '/cg/pids', root: '/', controllers: ['pids'] }], unified: undefined });
});

test('cgroupsPath cleaning: absolute stays absolute, relative cannot climb out, none is the id', () => {
  assert.is(innerCgroupPath('/a/b/../c/', 'x'), '/a/c');
  assert.is(innerCgroupPath('/../../etc', 'x'), '/etc');
  assert.is(innerCgroupPath('a/../../escape', 'x'), 'escape');
  assert.is(innerCgroupPath('machine.slice:libpod:abc', 'x'), 'machine.slice:libpod:abc');
  assert.is(innerCgroupPath(undefined, 'ctr'), 'ctr');
  assert.is(innerCgroupPath('', 'ctr'), 'ctr');
});

test('cgroupsPath naming a hierarchy root or our own cgroup is a config error', () => {
  for (const p of ['/', '/..', '.', 'a/..']) {
    const err = catchError(() => innerCgroupPath(p, 'x'));
    assert.instance(err, ConfigError, p);
    assert.is((err as ConfigError).jsonPath, '/linux/cgroupsPath');
  }
});

test('absolute cgroupsPath: below every hierarchy mount; co-mounted controllers share a dir', () => {
  withFakeHost('hybrid', ({ fsRoot, proc }) => {
    const rec = buildCgroupManager({ id: 'c1', cgroupsPath: '/berth/c1', fsRoot }, proc).describe();
    assert.is(rec.version, 1);
    assert.equal(rec.paths, {
      cpu: `${fsRoot}/cpu,cpuacct/berth/c1`,
      cpuacct: `${fsRoot}/cpu,cpuacct/berth/c1`,
      cpuset: `${fsRoot}/cpuset/berth/c1`,
      memory: `${fsRoot}/memory/berth/c1`,
      devices: `${fsRoot}/devices/berth/c1`,
      net_cls: `${fsRoot}/net_cls,net_prio/berth/c1`,
      net_prio: `${fsRoot}/net_cls,net_prio/berth/c1`,
      'name=systemd': `${fsRoot}/systemd/berth/c1`,
      '': `${fsRoot}/unified/berth/c1`,
    });
  });
});

test('relative cgroupsPath: below our own cgroup in each hierarchy', () => {
  withFakeHost('hybrid', ({ fsRoot, proc }) => {
    const rec = buildCgroupManager({ id: 'c1', cgroupsPath: 'pod/c1', fsRoot }, proc).describe();
    assert.is(rec.paths['memory'], `${fsRoot}/memory/user.slice/user-0.slice/pod/c1`);
    assert.is(rec.paths['cpu'], `${fsRoot}/cpu,cpuacct/user.slice/pod/c1`);
    assert.is(rec.paths['cpuset'], `${fsRoot}/cpuset/pod/c1`);
    assert.is(rec.paths['name=systemd'], `${fsRoot}/systemd/user.slice/user-0.slice/session-1.scope/pod/c1`);
    assert.is(rec.paths[''], `${fsRoot}/unified/user.slice/user-0.slice/session-1.scope/pod/c1`);
  });
});

test('no cgroupsPath: the container id, relative to our own cgroup', () => {
  withFakeHost('v1', ({ fsRoot, proc }) => {
    const rec = buildCgroupManager({ id: 'ctr-7', fsRoot }, proc).describe();
    assert.is(rec.paths['devices'], `${fsRoot}/devices/user.slice/ctr-7`);
    assert.is(rec.paths[''], undefined, 'no unified hierarchy on a pure v1 host');
  });
});

test('pure v2: absolute from the root; relative from the parent of our own cgroup (as runc)', () => {
  withFakeHost('v2', ({ fsRoot, proc }) => {
    assert.equal(buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot }, proc).describe(), { version: 2, paths: { '': `${fsRoot}/berth/c` } });
    assert.equal(buildCgroupManager({ id: 'c', fsRoot }, proc).describe().paths, { '': `${fsRoot}/user.slice/user-0.slice/c` });
  });
});

test('a mount that shows a subtree: relative paths are taken below the mount root', () => {
  const text = '30 1 0:30 /docker/abc /cg rw - cgroup2 cgroup2 rw\n';
  withFakeHost('v2', ({ fsRoot }) => {
    const mountinfo = () => text.replace('/cg', fsRoot);
    const inside = { mountinfo, selfCgroup: () => '0::/docker/abc/init\n' };
    assert.is(buildCgroupManager({ id: 'c', fsRoot }, inside).describe().paths[''], `${fsRoot}/c`);
    const outside = { mountinfo, selfCgroup: () => '0::/elsewhere/init\n' };
    const err = catchError(() => buildCgroupManager({ id: 'c', fsRoot }, outside));
    assert.instance(err, BerthError);
    assert.match((err as Error).message, 'use an absolute cgroupsPath');
    assert.is(buildCgroupManager({ id: 'c', cgroupsPath: '/x/c', fsRoot }, outside).describe().paths[''], `${fsRoot}/x/c`);
  });
});

test('the systemd driver is refused clearly; so is a host without cgroups', () => {
  withFakeHost('hybrid', ({ fsRoot, proc }) => {
    const err = catchError(() => buildCgroupManager({ id: 'c', cgroupsPath: 'system.slice:berth:c', systemd: true, fsRoot }, proc));
    assert.instance(err, BerthError);
    assert.is((err as Error).message, 'systemd cgroup driver is not supported yet');
    const none = catchError(() => buildCgroupManager({ id: 'c', fsRoot: path.join(fsRoot, 'nothing') }, proc));
    assert.instance(none, BerthError);
    assert.match((none as Error).message, 'no cgroup hierarchy is mounted');
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

test.run();
