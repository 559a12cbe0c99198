// CVE-2025-52881 class (procfs writes redirected): mounts that a config or a running
// container places over /proc, /proc/sys/... or /proc/self/... must never turn berth's writes
// of sysctls, oom_score_adj or LSM attributes into writes of a host file. Each attack checks
// the host afterwards. How each was seen to fail without the defence: docs/ARCHITECTURE.md,
// "Threat model: procfs writes".

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, sleepMs, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';

const HOST_GLOBALS = ['/proc/sys/kernel/core_pattern', '/proc/sys/kernel/core_uses_pid', '/proc/sys/kernel/domainname', '/proc/sys/kernel/hostname'];
const ALL_CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_SETUID', 'CAP_SETGID', 'CAP_SYS_ADMIN', 'CAP_KILL'];

function snapshot(): Record<string, string> {
  return Object.fromEntries(HOST_GLOBALS.map((f) => [f, fs.readFileSync(f, 'utf8')]));
}

/** A root-owned 0644 host file: the container's root (mapped or not) must never get it written. */
function victimFile(): { file: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-procfs-victim-'));
  fs.chmodSync(dir, 0o755);
  const file = path.join(dir, 'victim');
  fs.writeFileSync(file, 'untouched\n', { mode: 0o644 });
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('a config bind over /proc/sys/kernel/domainname (reached through a rootfs symlink) does not receive the sysctl', () => {
  const before = snapshot();
  const victim = victimFile();
  const spec = minimalSpec();
  spec.process!.args = ['cat', '/proc/sys/kernel/domainname'];
  // The destination does not name /proc, so no rule about /proc refuses it: /x is a symlink
  // in the rootfs, resolved inside the root to the container's /proc/sys/kernel.
  spec.mounts!.push({ destination: '/x/domainname', type: 'bind', source: victim.file, options: ['bind'] });
  spec.linux!.sysctl = { 'kernel.domainname': 'pwned-by-sysctl' };
  const b = makeBundle(spec, { ownRootfs: true });
  try {
    fs.symlinkSync('/proc/sys/kernel', path.join(b.dir, 'rootfs/x'));
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('sysctl-bind')]);
    assert.is(fs.readFileSync(victim.file, 'utf8'), 'untouched\n', `the host file was written: ${r.stderr}`);
    // The sysctl went to the container's own uts namespace, where it belongs.
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, 'untouched\n', 'the container sees the bind over its /proc file (its own config asked for it)');
  } finally {
    b.cleanup();
    victim.cleanup();
  }
  assert.equal(snapshot(), before);
});

test('a config bind over /proc itself (a directory with fake sysctl files) does not receive the sysctl', () => {
  const before = snapshot();
  const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-procfs-fake-'));
  fs.mkdirSync(path.join(fake, 'sys/kernel'), { recursive: true });
  fs.writeFileSync(path.join(fake, 'sys/kernel/domainname'), 'untouched\n');
  const spec = minimalSpec();
  spec.mounts!.push({ destination: '/proc', type: 'bind', source: fake, options: ['rbind'] });
  spec.linux!.sysctl = { 'kernel.domainname': 'pwned-by-sysctl' };
  const b = makeBundle(spec);
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('proc-bind')]);
    // Refused (by validation of mounts under /proc, or because the child finds no procfs of
    // its own) or applied to the container: either way the host directory is not written.
    assert.is(fs.readFileSync(path.join(fake, 'sys/kernel/domainname'), 'utf8'), 'untouched\n', `the host file was written: ${r.stderr}`);
  } finally {
    b.cleanup();
    fs.rmSync(fake, { recursive: true, force: true });
  }
  assert.equal(snapshot(), before);
});

test('a running container that covers /proc and binds a host file over /proc/self/oom_score_adj cannot make exec write it', () => {
  const before = snapshot();
  const victim = victimFile();
  // A user namespace: the container's root is host uid 200000 and cannot write the root-owned
  // victim itself; berth's exec child is still the host's root when it writes oom_score_adj.
  const spec = minimalSpec({
    linux: {
      namespaces: [{ type: 'user' }, { type: 'mount' }, { type: 'pid' }, { type: 'uts' }, { type: 'ipc' }],
      uidMappings: [{ containerID: 0, hostID: 200000, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: 200000, size: 65536 }],
    },
  });
  spec.process!.args = ['sleep', '600'];
  spec.process!.capabilities = { bounding: ALL_CAPS, effective: ALL_CAPS, permitted: ALL_CAPS };
  // /dev on a tmpfs the container's root owns, as real configs have it.
  spec.mounts!.push({ destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] });
  spec.mounts!.push({ destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] });
  spec.mounts!.push({ destination: '/run/victim', type: 'bind', source: victim.file, options: ['bind'] });
  const b = makeBundle(spec);
  const id = uniqueId('oom-bind');
  const processFile = path.join(b.dir, 'exec-process.json');
  try {
    const run = berth(b.root, ['run', '--detach', '--bundle', b.dir, id]);
    assert.is(run.status, 0, run.stderr);
    const setup = berth(b.root, ['exec', id, 'sh', '-c',
      'echo mine > /run/victim 2>/dev/null && echo WRITABLE; mount -t tmpfs tmpfs /proc && mkdir /proc/self && touch /proc/self/oom_score_adj && mount -o bind /run/victim /proc/self/oom_score_adj && cat /proc/self/oom_score_adj']);
    assert.is(setup.status, 0, setup.stderr);
    assert.is(setup.stdout, 'untouched\n', 'the trap is set, and the container could not write the victim itself');
    fs.writeFileSync(processFile, JSON.stringify({ ...spec.process, args: ['true'], oomScoreAdj: 500 }));
    const r = berth(b.root, ['exec', '--process', processFile, id]);
    assert.is(fs.readFileSync(victim.file, 'utf8'), 'untouched\n', `the host file was written: ${r.stderr}`);
    assert.is(r.status, 0, r.stderr);
  } finally {
    berth(b.root, ['delete', '--force', id]);
    for (let i = 0; i < 50 && fs.existsSync(path.join(b.root, id)); i++) sleepMs(20);
    b.cleanup();
    victim.cleanup();
  }
  assert.equal(snapshot(), before);
});

test.run();
