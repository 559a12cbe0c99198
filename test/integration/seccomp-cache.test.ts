// The compiled seccomp program cache under --root, through real runs: the second run of
// Docker's profile takes the program from the cache, and no tampered entry ever weakens the
// filter: the denial is checked from inside the container every time.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, repoRoot, uniqueId, type Bundle } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import { decodeEntry, encodeEntry } from '../../src/seccomp/cache-entry.js';
import { CACHE_DIR } from '../../src/seccomp/cache.js';
import type { Seccomp, Spec } from '../../src/spec/types.js';

// sethostname is not in Docker's profile (its default action says EPERM); CAP_SYS_ADMIN and a
// uts namespace of its own let the call succeed whenever no filter stops it.
const SCRIPT = 'hostname changed 2>&1; echo "name=$(hostname)"';

function bundleWith(seccomp: Seccomp | undefined): Bundle {
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', SCRIPT];
  const caps = ['CAP_KILL', 'CAP_SYS_ADMIN'];
  spec.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
  spec.linux!.seccomp = seccomp;
  return makeBundle(spec);
}

const dockerProfile = () => (JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/engine-configs/docker-run-d.config.json'), 'utf8')) as Spec).linux!.seccomp!;

/** Runs the bundle under root with the phase profile on; says whether the filter held and where the program came from. */
function runOnce(root: string, b: Bundle): { denied: boolean; fromCache: boolean } {
  const r = berth(root, ['run', '--bundle', b.dir, uniqueId('sc')], { env: { ...process.env, BERTH_PROFILE: '1' } });
  assert.is(r.status, 0, r.stderr);
  const fromCache = r.stderr.includes('seccomp program from the cache');
  assert.ok(fromCache || r.stderr.includes('seccomp compiled'), r.stderr);
  if (r.stdout.includes('name=changed')) return { denied: false, fromCache };
  assert.match(r.stdout, 'Operation not permitted');
  assert.match(r.stdout, 'name=berth-test');
  return { denied: true, fromCache };
}

test('the control: without a filter the call succeeds (so a denial below is the filter)', () => {
  const b = bundleWith(undefined);
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('sc')]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, 'name=changed');
  } finally {
    b.cleanup();
  }
});

test('Docker\'s profile twice: compiled, kept in a 0700 directory, then read back; enforced both times', () => {
  const b = bundleWith(dockerProfile());
  try {
    assert.equal(runOnce(b.root, b), { denied: true, fromCache: false });
    const dir = path.join(b.root, CACHE_DIR);
    const st = fs.lstatSync(dir);
    assert.ok(st.isDirectory());
    assert.is(st.mode & 0o7777, 0o700);
    assert.is(st.uid, 0);
    const entries = fs.readdirSync(dir);
    assert.is(entries.length, 1);
    assert.is(fs.statSync(path.join(dir, entries[0]!)).mode & 0o777, 0o600);
    assert.equal(runOnce(b.root, b), { denied: true, fromCache: true });
    // the cache is per root, not per container: delete leaves it, list does not show it
    assert.ok(fs.existsSync(dir));
    const list = berth(b.root, ['list', '-q']);
    assert.is(list.stdout.trim(), '');
    const claim = berth(b.root, ['create', '--bundle', b.dir, CACHE_DIR]);
    assert.is.not(claim.status, 0, 'no container can be named like the cache');
    assert.match(claim.stderr, 'invalid container ID');
  } finally {
    b.cleanup();
  }
});

test('tampered entries are refused, recompiled and replaced; the filter holds every time', () => {
  const docker = bundleWith(dockerProfile());
  const permissive = bundleWith({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] });
  const root = docker.root;
  try {
    runOnce(root, docker);
    const dir = path.join(root, CACHE_DIR);
    const [key] = fs.readdirSync(dir);
    const entry = path.join(dir, key!);
    const original = fs.readFileSync(entry, 'utf8');
    assert.equal(runOnce(root, permissive), { denied: false, fromCache: false });
    const permKey = fs.readdirSync(dir).find((n) => n !== key)!;
    const permText = fs.readFileSync(path.join(dir, permKey), 'utf8');
    // The permissive program relabelled with Docker's key and a correct checksum: what only
    // root can write. Accepted at 0600 (the control: an entry really decides the filter) ...
    const forged = encodeEntry(key!, decodeEntry(permKey, permText)!);

    const tampers: Array<[string, () => void]> = [
      ['bytes flipped', () => fs.writeFileSync(entry, original.replace(/"bpf":"(.)/, (_m, c: string) => `"bpf":"${c === 'A' ? 'B' : 'A'}`))],
      ['truncated', () => fs.writeFileSync(entry, original.slice(0, original.length / 2))],
      ['another profile\'s entry under this name', () => fs.writeFileSync(entry, permText)],
      ['a symlink to another profile\'s entry', () => fs.symlinkSync(path.join(dir, permKey), entry)],
      ['a forged entry readable by others', () => fs.writeFileSync(entry, forged, { mode: 0o644 })],
      ['a forged entry owned by nobody', () => {
        fs.writeFileSync(entry, forged, { mode: 0o600 });
        fs.chownSync(entry, 65534, 65534);
      }],
      ['a forged entry with a second name', () => {
        fs.writeFileSync(entry, forged, { mode: 0o600 });
        fs.linkSync(entry, path.join(root, 'second-name'));
      }],
    ];
    for (const [what, tamper] of tampers) {
      fs.rmSync(entry, { force: true }); // each tamper starts from no entry
      fs.rmSync(path.join(root, 'second-name'), { force: true });
      tamper();
      assert.equal(runOnce(root, docker), { denied: true, fromCache: false }, what);
      assert.ok(fs.existsSync(entry), `${what}: an entry again`);
      const st = fs.lstatSync(entry);
      assert.ok(st.isFile() && st.uid === 0 && (st.mode & 0o777) === 0o600, `${what}: replaced by a fresh entry`);
      assert.is(fs.readFileSync(entry, 'utf8'), original, `${what}: the fresh entry is the compiled program`);
      assert.equal(runOnce(root, docker), { denied: true, fromCache: true }, `${what}: used again afterwards`);
    }

    fs.rmSync(path.join(root, 'second-name'), { force: true });
    fs.writeFileSync(entry, forged, { mode: 0o600 });
    assert.equal(runOnce(root, docker), { denied: false, fromCache: true }, 'control: a forged root-owned 0600 entry is what decides');
  } finally {
    docker.cleanup();
    permissive.cleanup();
  }
});

test('a cache directory others may write is not used, and nothing is written into it', () => {
  const b = bundleWith(dockerProfile());
  try {
    runOnce(b.root, b);
    const dir = path.join(b.root, CACHE_DIR);
    fs.chmodSync(dir, 0o777);
    const before = fs.readdirSync(dir);
    assert.equal(runOnce(b.root, b), { denied: true, fromCache: false });
    assert.equal(fs.readdirSync(dir), before);
  } finally {
    b.cleanup();
  }
});

test.run();
