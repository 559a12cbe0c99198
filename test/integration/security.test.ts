// Security invariants from ARCHITECTURE.md, each tried as an attack.

import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, runIn, sleepMs, stateOf, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';

const USERNS = {
  namespaces: [{ type: 'user' as const }, { type: 'mount' as const }, { type: 'pid' as const }, { type: 'uts' as const }, { type: 'ipc' as const }],
  uidMappings: [{ containerID: 0, hostID: 200000, size: 65536 }],
  gidMappings: [{ containerID: 0, hostID: 200000, size: 65536 }],
};

test('CVE-2019-5736 class: the init is not dumpable until it execs, so /proc/<pid>/exe stays out of reach', () => {
  // In a user namespace a dumpable process's /proc/<pid> files belong to its mapped uid; a
  // non-dumpable one's to host root. The parked init must be the latter.
  const spec = minimalSpec({ linux: USERNS });
  // /dev on a tmpfs the container's root owns, as real configs have it: device nodes are
  // bind mounts of the host's there.
  spec.mounts!.push({ destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] });
  spec.process!.args = ['sleep', '600'];
  const b = makeBundle(spec);
  const id = uniqueId('dumpable');
  try {
    const c = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is(c.status, 0, c.stderr);
    const pid = stateOf(b.root, id).pid;
    assert.is(fs.statSync(`/proc/${pid}/environ`).uid, 0, 'parked init: not dumpable');
    assert.is(berth(b.root, ['start', id]).status, 0);
    for (let i = 0; i < 100 && !fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep'); i++) sleepMs(5);
    assert.is(fs.statSync(`/proc/${pid}/environ`).uid, 200000, 'after exec the mapped root owns it again: the observation is real');
  } finally {
    b.cleanup();
  }
});

test('CVE-2024-21626 class: no host fd and no host cwd reach the container', () => {
  const r = runIn('ls -l /proc/self/fd/ | grep -v -E " [012] -> | 3 -> /proc" | grep -c " -> " ; readlink /proc/self/cwd; ls /proc/self/cwd/ | head -3');
  assert.is(r.status, 0, r.stderr);
  const [leaked, cwd] = r.stdout.trim().split('\n');
  assert.is(leaked, '0', r.stdout);
  assert.is(cwd, '/');
});

test('the container cannot see or reach the host through /proc/1 (its own pid namespace)', () => {
  const r = runIn('readlink /proc/1/exe; ls /proc | grep -c "^[0-9]"');
  assert.is(r.status, 0, r.stderr);
  const [exe, count] = r.stdout.trim().split('\n');
  assert.is(exe, '/bin/busybox');
  assert.ok(Number(count) <= 3, `only the container's processes are visible, saw ${count}`);
});

test('capabilities outside the configured sets cannot be regained: bounding set enforced', () => {
  const spec = minimalSpec();
  spec.process!.user = { uid: 0, gid: 0 };
  spec.process!.capabilities = { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] };
  const r = runIn('mount -t tmpfs none /mnt 2>&1 || echo denied; hostname evil 2>&1 || echo denied2', spec);
  assert.match(r.stdout, 'denied');
  assert.match(r.stdout, 'denied2');
});

test.run();
