// Idmapped bind mounts (idmap, ridmap): files are seen through the mount's mappings (or the
// container's own), made by a privileged helper inside the container's mount namespace.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, runIn, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import type { Spec } from '../../src/spec/types.js';

const MAP = [{ containerID: 0, hostID: 200000, size: 65536 }];

function withUserns(spec: Spec): Spec {
  spec.linux = { ...spec.linux, namespaces: [...(spec.linux?.namespaces ?? []), { type: 'user' }], uidMappings: MAP, gidMappings: MAP };
  // The shared rootfs belongs to the host's root: device nodes go on a tmpfs of the container's.
  spec.mounts!.push({ destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] });
  return spec;
}

/**
 * tmpfs allows idmapped mounts from Linux 6.3 on: with the source on tmpfs on an older kernel
 * (Debian 12's 6.1, in the VM suite, where /tmp is a tmpfs) the reason, else undefined.
 */
function tmpfsRefusal(src: string): string | undefined {
  const release = fs.readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  const [major, minor] = release.split('.').map(Number) as [number, number];
  if (fs.statfsSync(src).type !== 0x01021994 || major > 6 || (major === 6 && minor >= 3)) return undefined;
  return `${src} is on tmpfs, which allows idmapped mounts from Linux 6.3 on, and this kernel is ${release}`;
}

/** Such a refusal must say why; then the test stops, saying it was skipped. */
function refusedOnOldTmpfs(spec: Spec, src: string, tag: string): boolean {
  const why = tmpfsRefusal(src);
  if (!why) return false;
  const r = runIn('true', spec, tag);
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /idmapped bind .*: Invalid argument \(the source is on tmpfs, which allows idmapped mounts from Linux 6\.3 on; this kernel is /);
  console.log(`  skipped: ${why} (create refused it, saying so)`);
  return true;
}

function sourceDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-idmap-'));
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'owned'), 'x');
  fs.mkdirSync(path.join(dir, 'sub'));
  return dir;
}

test('idmap in a user-namespaced container shows host root files as its root (container mappings)', () => {
  const src = sourceDir();
  try {
    const spec = withUserns(minimalSpec());
    spec.mounts!.push({ destination: '/idm', type: 'bind', source: src, options: ['bind', 'idmap'] });
    if (refusedOnOldTmpfs(spec, src, 'idmap')) return;
    const r = runIn('stat -c "%u:%g" /idm/owned; touch /idm/made && stat -c "%u:%g" /idm/made', spec, 'idmap');
    assert.is(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n'), ['0:0', '0:0']);
    // Written through the mapping: on the host the new file belongs to root again.
    assert.is(fs.statSync(path.join(src, 'made')).uid, 0);
  } finally {
    fs.rmSync(src, { recursive: true, force: true });
  }
});

test('ridmap idmaps the bind tree; without a user namespace the mount\'s own mappings apply', () => {
  const src = sourceDir();
  try {
    const spec = withUserns(minimalSpec());
    spec.mounts!.push({ destination: '/idm', type: 'bind', source: src, options: ['rbind', 'ridmap'] });
    if (refusedOnOldTmpfs(spec, src, 'ridmap')) return;
    const r = runIn('stat -c "%u:%g" /idm/owned', spec, 'ridmap');
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.trim(), '0:0');
    // No user namespace: the mount's mappings show host root's files as 100000.
    const plain = minimalSpec();
    plain.mounts!.push({ destination: '/idm', type: 'bind', source: src, options: ['bind', 'idmap'], uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }] });
    const p = runIn('stat -c "%u:%g" /idm/owned', plain, 'idmapplain');
    assert.is(p.status, 0, p.stderr);
    assert.is(p.stdout.trim(), '100000:100000');
  } finally {
    fs.rmSync(src, { recursive: true, force: true });
  }
});

test('idmap on a mount that is not a bind fails create, naming the mount, and leaves nothing', () => {
  const spec = withUserns(minimalSpec());
  spec.mounts!.push({ destination: '/idm', type: 'tmpfs', source: 'tmpfs', options: ['idmap'] });
  const b = makeBundle(spec);
  const id = uniqueId('idmapbad');
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, '/mounts/2/options');
    assert.not.ok(fs.existsSync(path.join(b.root, id)));
  } finally {
    b.cleanup();
  }
});

test.run();
