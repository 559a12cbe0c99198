// Process attributes written into procfs for a container with a user namespace. The child's
// own /proc/self files belong to the host's root (it is not dumpable), which the child no
// longer is once it is the namespace's root: oom_score_adj is therefore written by the parent
// into /proc/PID of the child (as runc does from the host side), and time namespace offsets
// before the child becomes the namespace's root. kernel.domainname as a sysctl stays refused,
// as with runc (docs/cli.md); the `domainname` field works.

import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Spec } from '../../src/spec/types.js';
import { berth, makeBundle, runIn, uniqueId, withHolder } from '../helpers/berth.js';
import { assertNothingLeft } from '../helpers/cve.js';
import { joinedUsernsSpec, minimalSpec } from '../helpers/specs.js';

const maps = { uidMappings: [{ containerID: 0, hostID: 300000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 300000, size: 65536 }] };

function usernsSpec(change: (spec: Spec) => void = () => {}): Spec {
  const spec = minimalSpec({ linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'user' }], ...maps } });
  // The shared rootfs belongs to the host's root: device nodes go on a tmpfs of the container's.
  spec.mounts!.push({ destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] });
  change(spec);
  return spec;
}

/** Lowering oom_score_adj below 0 needs CAP_SYS_RESOURCE, which this host's bounding set may lack. */
function hostCanLowerOomScore(): boolean {
  const bnd = /^CapBnd:\s+([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  return (BigInt(`0x${bnd}`) & (1n << 24n)) !== 0n; // CAP_SYS_RESOURCE
}

test('a new user namespace: process.oomScoreAdj reaches the init (written by the parent)', () => {
  const r = runIn('cat /proc/self/oom_score_adj; cat /proc/self/uid_map', usernsSpec((s) => (s.process!.oomScoreAdj = 500)), 'userns-oom');
  assert.is(r.status, 0, r.stderr);
  const [adj, uidMap] = r.stdout.trim().split('\n');
  assert.is(adj, '500');
  assert.match(uidMap!, /^\s*0\s+300000\s+65536$/, 'the process is in the user namespace');
});

test('a new user namespace: a negative oomScoreAdj applies where the host may lower it, else a clear refusal leaving nothing', () => {
  const spec = usernsSpec((s) => (s.process!.oomScoreAdj = -500));
  if (hostCanLowerOomScore()) {
    const r = runIn('cat /proc/self/oom_score_adj', spec, 'userns-oom-neg');
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.trim(), '-500');
    return;
  }
  // This host's bounding set lacks CAP_SYS_RESOURCE: nobody here may go below 0 (runc fails
  // the same way, "failed to update /proc/self/oom_score_adj: Permission denied").
  console.log('  (the host cannot lower oom_score_adj below 0 without CAP_SYS_RESOURCE: checking the refusal instead)');
  const b = makeBundle(spec);
  const id = uniqueId('userns-oom-neg');
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, /config\.json \/process\/oomScoreAdj: write \/proc\/\d+\/oom_score_adj: Permission denied/);
    assertNothingLeft(b.root, id, b.dir);
  } finally {
    b.cleanup();
  }
});

test('a joined user namespace: process.oomScoreAdj reaches the init', () => {
  withHolder(usernsSpec(), 'userns-holder', (pid) => {
    const spec = joinedUsernsSpec(pid);
    spec.process!.oomScoreAdj = 300;
    const r = runIn('readlink /proc/self/ns/user; cat /proc/self/oom_score_adj', spec, 'userns-oom-join');
    assert.is(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n'), [fs.readlinkSync(`/proc/${pid}/ns/user`), '300']);
  });
});

test('a new user namespace: linux.timeOffsets are written (before the child becomes the namespace\'s root)', () => {
  const spec = usernsSpec((s) => {
    s.linux!.namespaces!.push({ type: 'time' });
    s.linux!.timeOffsets = { monotonic: { secs: 86400, nanosecs: 0 }, boottime: { secs: 3600, nanosecs: 0 } };
  });
  const r = runIn('cat /proc/self/timens_offsets; id -u', spec, 'userns-time');
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
  assert.ok(lines.includes('monotonic 86400 0'), r.stdout);
  assert.ok(lines.includes('boottime 3600 0'), r.stdout);
  assert.is(lines.at(-1), '0', 'the process is the namespace\'s root');
});

test('a new user namespace: the domainname field applies; the kernel.domainname sysctl is refused naming it, leaving nothing', () => {
  const ok = runIn('cat /proc/sys/kernel/domainname', usernsSpec((s) => (s.domainname = 'dom.example')), 'userns-dom');
  assert.is(ok.status, 0, ok.stderr);
  assert.is(ok.stdout.trim(), 'dom.example');
  // /proc/sys/kernel/domainname belongs to the host's root: runc 1.1.5 fails too ("open
  // /proc/sys/kernel/domainname: permission denied").
  const b = makeBundle(usernsSpec((s) => (s.linux!.sysctl = { 'kernel.domainname': 'dom.example' })));
  const id = uniqueId('userns-dom-sysctl');
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, 'config.json /linux/sysctl/kernel.domainname: write /proc/sys/kernel/domainname: Permission denied');
    assertNothingLeft(b.root, id, b.dir);
  } finally {
    b.cleanup();
  }
});

test.run();
