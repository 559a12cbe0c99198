import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ownCgroup, parseMountinfo } from '../../src/cgroups/detect.js';
import { containerCgroupPath } from '../../src/cgroups/path.js';

const HYBRID = [
  '30 25 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755',
  '31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '32 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct',
  '33 30 0:29 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd',
  '34 30 0:30 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw',
  '35 25 0:31 / /mnt/other rw - cgroup2 cgroup2 rw',
].join('\n');

test('hierarchies are read from mountinfo: v1 controllers, named, co-mounted and the unified one', () => {
  const h = parseMountinfo(HYBRID, '/sys/fs/cgroup');
  assert.equal(h.map((x) => [x.key, x.mountPoint, x.v2]), [
    ['cpu', '/sys/fs/cgroup/cpu', false],
    ['cpu,cpuacct', '/sys/fs/cgroup/cpu,cpuacct', false],
    ['name=systemd', '/sys/fs/cgroup/systemd', false],
    ['', '/sys/fs/cgroup/unified', true],
  ]);
  const pure = parseMountinfo('40 25 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate', '/sys/fs/cgroup');
  assert.equal(pure, [{ key: '', mountPoint: '/sys/fs/cgroup', v2: true }]);
});

test('the runtime own cgroup per hierarchy comes from /proc/self/cgroup', () => {
  const self = '4:memory:/process_api/abc\n3:cpuacct,cpu:/\n0::/user.slice\n';
  assert.is(ownCgroup({ key: 'memory', mountPoint: '', v2: false }, self), '/process_api/abc');
  assert.is(ownCgroup({ key: 'cpu,cpuacct', mountPoint: '', v2: false }, self), '/');
  assert.is(ownCgroup({ key: '', mountPoint: '', v2: true }, self), '/user.slice');
});

test('cgroupsPath: absolute from the root, relative from our own cgroup, none is the id', () => {
  assert.is(containerCgroupPath('/a/b/../c', 'x'), '/a/c');
  assert.is(containerCgroupPath('a/../../escape', 'x'), 'escape');
  assert.is(containerCgroupPath(undefined, 'x'), 'x');
});

test.run();
