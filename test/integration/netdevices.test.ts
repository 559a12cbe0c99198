// linux.netDevices: a host device moves into the container's network namespace, renamed,
// up, with its permanent global addresses; a name already taken there fails create and
// leaves nothing behind. The fixtures are veth pairs made with iproute2 (test setup only).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import type { Spec } from '../../src/spec/types.js';

let n = 0;
/** A veth pair on the host; returns the end to move. Its peer goes when the moved end does. */
function hostVeth(address?: string): { name: string; peer: string } {
  const name = `bv${process.pid % 100000}x${n}`;
  const peer = `bp${process.pid % 100000}x${n++}`;
  execFileSync('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', peer]);
  if (address) execFileSync('ip', ['addr', 'add', address, 'dev', name]);
  return { name, peer };
}

/** Deletes a fixture link if it is still there; the kernel may be removing it meanwhile (a veth
 * end goes when its peer's namespace is torn down, asynchronously). */
function removeLink(name: string): void {
  try {
    execFileSync('ip', ['link', 'del', name], { stdio: 'ignore' });
  } catch (err) {
    if (fs.existsSync(`/sys/class/net/${name}`)) throw err;
  }
}

function netSpec(devices: NonNullable<Spec['linux']>['netDevices'], script: string): Spec {
  const spec = minimalSpec({ linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'network' }, { type: 'uts' }, { type: 'ipc' }], netDevices: devices } });
  spec.mounts!.push({ destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro', 'nosuid', 'nodev', 'noexec'] });
  spec.process!.args = ['sh', '-c', script];
  return spec;
}

test('a listed device moves into the container renamed, up, with its permanent global address', () => {
  const { name, peer } = hostVeth('192.0.2.77/24');
  const b = makeBundle(netSpec({ [name]: { name: 'ceth0' } }, 'ls /sys/class/net; cat /sys/class/net/ceth0/flags; ip -o -4 addr show dev ceth0'));
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('netdev')]);
    assert.is(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.includes('ceth0'), r.stdout);
    assert.not.ok(lines.includes(name), 'the host name is gone inside');
    const flags = Number(lines.find((l) => l.startsWith('0x')));
    assert.is(flags & 1, 1, 'IFF_UP');
    assert.match(r.stdout, '192.0.2.77/24');
    assert.not.ok(fs.existsSync(`/sys/class/net/${name}`), 'not moved back to the host');
  } finally {
    b.cleanup();
    removeLink(name);
    removeLink(peer);
  }
});

test('a device onto a name the container already has (lo) fails create, naming the device', () => {
  const { name, peer } = hostVeth();
  const b = makeBundle(netSpec({ [name]: { name: 'lo' } }, 'true'));
  const id = uniqueId('netdevtaken');
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, `/linux/netDevices/${name}`);
    assert.match(r.stderr, 'File exists');
    assert.not.ok(fs.existsSync(path.join(b.root, id)), 'no state directory');
  } finally {
    b.cleanup();
    removeLink(name);
    removeLink(peer);
  }
});

test('a device that does not exist fails create', () => {
  const b = makeBundle(netSpec({ 'no-such-dev0': {} }, 'true'));
  const id = uniqueId('netdevmissing');
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, '/linux/netDevices/no-such-dev0');
    assert.not.ok(fs.existsSync(path.join(b.root, id)), 'no state directory');
  } finally {
    b.cleanup();
  }
});

test.run();
