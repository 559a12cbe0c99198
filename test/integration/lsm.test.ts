// LSM labels on a host without AppArmor or SELinux (the development machine): a profile is
// refused naming its JSON path and leaves nothing behind, a label is skipped with a warning;
// exec's --apparmor and --process-label likewise. With either module enabled the attribute
// writes are only unit-tested (test/unit/lsm.test.ts). Also the CVE-2022-29162 class:
// nothing berth starts gets an inheritable capability it was not asked for.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, hostMounts, makeBundle, runIn, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';

const apparmor = fs.existsSync('/sys/module/apparmor/parameters/enabled') && fs.readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
const selinux = fs.existsSync('/sys/fs/selinux/enforce');

function capField(status: string, field: string): bigint {
  const m = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} in ${status}`);
  return BigInt('0x' + m[1]);
}

const CAP_SYS_ADMIN = 21n;

test('apparmorProfile on a host without AppArmor: create fails naming /process/apparmorProfile, nothing left behind', () => {
  if (apparmor) return console.log('  skipped: this host has AppArmor');
  const spec = minimalSpec();
  spec.process!.apparmorProfile = 'docker-default';
  const b = makeBundle(spec);
  const id = uniqueId('apparmor');
  const mountsBefore = hostMounts();
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, 'config.json /process/apparmorProfile: AppArmor is not enabled on this host, so the profile');
    assert.match(r.stderr, 'docker-default');
    assert.not.ok(fs.existsSync(path.join(b.root, id)), 'no state directory');
    assert.is(berth(b.root, ['list', '-q']).stdout.trim(), '');
    assert.is(hostMounts(), mountsBefore, 'no mount left');
    assert.not.ok(fs.existsSync(`/sys/fs/cgroup/pids/${id}`), 'no cgroup left');
  } finally {
    b.cleanup();
  }
});

test('selinuxLabel and mountLabel on a host without SELinux: the container runs, each is skipped with a warning', () => {
  if (selinux) return console.log('  skipped: this host has SELinux');
  const spec = minimalSpec();
  spec.process!.selinuxLabel = 'system_u:system_r:container_t:s0:c1,c2';
  spec.linux!.mountLabel = 'system_u:object_r:container_file_t:s0:c1,c2';
  spec.mounts!.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs' });
  const r = runIn('grep " /tmp " /proc/self/mounts; cat /proc/self/attr/current 2>/dev/null; echo ran', spec);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'ran');
  assert.not.match(r.stdout, 'context=');
  assert.match(r.stderr, '/process/selinuxLabel: SELinux is not enabled on this host');
  assert.match(r.stderr, '/linux/mountLabel: SELinux is not enabled on this host');
});

test('exec --apparmor is refused without AppArmor; exec --process-label runs with a warning without SELinux', () => {
  const spec = minimalSpec();
  spec.process!.args = ['sleep', '600'];
  const b = makeBundle(spec);
  const id = uniqueId('exec-lsm');
  try {
    assert.is(berth(b.root, ['run', '--detach', '--bundle', b.dir, id]).status, 0);
    if (!apparmor) {
      const r = berth(b.root, ['exec', '--apparmor', 'docker-default', id, 'true']);
      assert.is.not(r.status, 0);
      assert.match(r.stderr, '/process/apparmorProfile: AppArmor is not enabled on this host');
    }
    if (!selinux) {
      const r = berth(b.root, ['exec', '--process-label', 'system_u:system_r:spc_t:s0', id, 'echo', 'exec-ran']);
      assert.is(r.status, 0, r.stderr);
      assert.is(r.stdout, 'exec-ran\n');
      assert.match(r.stderr, '/process/selinuxLabel: SELinux is not enabled on this host');
    }
  } finally {
    b.cleanup();
  }
});

test('CVE-2022-29162 class: `berth spec` sets no inheritable capabilities, and its container has CapInh 0', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-spec-caps-'));
  try {
    assert.is(berth('/run/berth-test-spec', ['spec', '--bundle', dir]).status, 0);
    const spec = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    assert.is(spec.process.capabilities.inheritable, undefined);
    // Like runc's spec it lists ambient capabilities; without an inheritable set the kernel
    // raises none of them (berth does not even try), which CapAmb below shows.
    assert.ok(spec.process.capabilities.ambient.length > 0);
    spec.process.terminal = false;
    const r = runIn('cat /proc/self/status', spec);
    assert.is(r.status, 0, r.stderr);
    assert.is(capField(r.stdout, 'CapInh'), 0n);
    assert.is(capField(r.stdout, 'CapAmb'), 0n);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('CVE-2022-29162 class: exec --cap raises the capability into the permitted and effective sets, never the inheritable one', () => {
  const spec = minimalSpec();
  spec.process!.args = ['sleep', '600'];
  const b = makeBundle(spec);
  const id = uniqueId('exec-cap');
  try {
    assert.is(berth(b.root, ['run', '--detach', '--bundle', b.dir, id]).status, 0);
    const r = berth(b.root, ['exec', '--cap', 'CAP_SYS_ADMIN', '--cap', 'net_admin', id, 'cat', '/proc/self/status']);
    assert.is(r.status, 0, r.stderr);
    assert.is(capField(r.stdout, 'CapInh'), 0n, 'nothing inheritable');
    assert.is(capField(r.stdout, 'CapAmb'), 0n, 'nothing ambient without an inheritable set (runc does the same)');
    assert.ok((capField(r.stdout, 'CapPrm') & (1n << CAP_SYS_ADMIN)) !== 0n, 'the --cap did arrive: the test can see it');
    assert.ok((capField(r.stdout, 'CapEff') & (1n << CAP_SYS_ADMIN)) !== 0n);
  } finally {
    b.cleanup();
  }
});

test.run();
