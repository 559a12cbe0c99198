// The compiled seccomp program cache: the key, the entry format and its checks (pure), and the
// directory checks of cache.ts in a temporary root (no root privileges needed).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeEntry, encodeEntry, MAX_BPF_BYTES, seccompCacheKey, sha256Hex, type CacheKeyFacts } from '../../src/seccomp/cache-entry.js';
import { CACHE_DIR, loadCachedProgram, MAX_ENTRIES, storeCachedProgram } from '../../src/seccomp/cache.js';
import type { SeccompProgram } from '../../src/seccomp/index.js';
import type { Seccomp } from '../../src/spec/types.js';

const facts: CacheKeyFacts = { arch: 'x64', libseccomp: '2.5.4', berth: '0.1.0|abc|1:2:3:4' };
const section: Seccomp = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] };
const program: SeccompProgram = { bpf: Buffer.from([...Array(24).keys()]), flags: 2, warnings: ['a warning'] };
const KEY = 'k'.repeat(64);

// ---- the key ----

test('the key is a SHA-256 of the section and every fact; each of them changes it', () => {
  const key = seccompCacheKey(section, facts);
  assert.match(key, /^[0-9a-f]{64}$/);
  assert.is(seccompCacheKey(structuredClone(section), { ...facts }), key, 'same inputs, same key');
  const variants = [
    seccompCacheKey({ ...section, defaultErrnoRet: 1 }, facts),
    seccompCacheKey({ ...section, syscalls: [{ names: ['write'], action: 'SCMP_ACT_ALLOW' }] }, facts),
    seccompCacheKey(section, { ...facts, arch: 'arm64' }),
    seccompCacheKey(section, { ...facts, libseccomp: '2.5.5' }),
    seccompCacheKey(section, { ...facts, berth: '0.1.0|abc|1:2:3:5' }),
  ];
  assert.is(new Set([key, ...variants]).size, variants.length + 1);
});

test('sha256Hex is SHA-256', () => {
  assert.is(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

// ---- the entry ----

test('an entry decodes back to the program it holds', () => {
  const back = decodeEntry(KEY, encodeEntry(KEY, program));
  assert.ok(back);
  assert.equal([...back.bpf], [...program.bpf]);
  assert.is(back.flags, 2);
  assert.equal(back.warnings, ['a warning']);
});

/** The entry's JSON with `change` applied and the old checksum kept. */
function altered(change: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(encodeEntry(KEY, program)) as Record<string, unknown>;
  change(doc);
  return JSON.stringify(doc);
}

test('an entry is refused: other key, edited, truncated, not JSON, wrong format, odd program', () => {
  const good = encodeEntry(KEY, program);
  assert.is(decodeEntry('x'.repeat(64), good), undefined, 'stored under another key');
  assert.is(decodeEntry(KEY, good.slice(0, -2)), undefined, 'truncated');
  assert.is(decodeEntry(KEY, 'not json'), undefined);
  assert.is(decodeEntry(KEY, 'null'), undefined);
  const otherBpf = Buffer.alloc(24, 7).toString('base64');
  assert.is(decodeEntry(KEY, altered((d) => (d.bpf = otherBpf))), undefined, 'program edited, checksum not');
  assert.is(decodeEntry(KEY, altered((d) => (d.flags = 0))), undefined, 'flags edited');
  assert.is(decodeEntry(KEY, altered((d) => (d.warnings = []))), undefined, 'warnings edited');
  assert.is(decodeEntry(KEY, altered((d) => (d.format = 2))), undefined, 'another format');
  // well-formed entries with the right checksum whose program cannot be one libseccomp made
  const forged = (p: SeccompProgram) => encodeEntry(KEY, p);
  assert.is(decodeEntry(KEY, forged({ ...program, bpf: Buffer.alloc(12) })), undefined, 'not whole instructions');
  assert.is(decodeEntry(KEY, forged({ ...program, bpf: Buffer.alloc(0) })), undefined, 'empty');
  assert.is(decodeEntry(KEY, forged({ ...program, bpf: Buffer.alloc(MAX_BPF_BYTES + 8) })), undefined, 'longer than BPF_MAXINSNS');
  assert.is(decodeEntry(KEY, forged({ ...program, flags: 0x100 })), undefined, 'unknown flag');
  assert.is(decodeEntry(KEY, good + ' '.repeat(300 * 1024)), undefined, 'oversized');
});

// ---- the directory under a root ----

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'berth-seccomp-cache-'));
}

test('store then load under a root: a 0700 directory and a 0600 entry', () => {
  const root = tempRoot();
  try {
    assert.is(loadCachedProgram(root, KEY), undefined, 'empty cache');
    assert.not.ok(fs.existsSync(path.join(root, CACHE_DIR)), 'a load makes nothing');
    storeCachedProgram(root, KEY, program);
    const dir = path.join(root, CACHE_DIR);
    assert.is(fs.statSync(dir).mode & 0o7777, 0o700);
    assert.equal(fs.readdirSync(dir), [KEY], 'no temporary file left');
    assert.is(fs.statSync(path.join(dir, KEY)).mode & 0o777, 0o600);
    assert.equal([...loadCachedProgram(root, KEY)!.bpf], [...program.bpf]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('an entry of many reads comes back whole (a program of 4,000 instructions, ~43 KB of JSON)', () => {
  const root = tempRoot();
  try {
    const big: SeccompProgram = { bpf: Buffer.from(Array.from({ length: 4000 * 8 }, (_, i) => (i * 7) % 256)), flags: 0, warnings: [] };
    storeCachedProgram(root, KEY, big);
    assert.ok(fs.statSync(path.join(root, CACHE_DIR, KEY)).size > 4 * 4096, 'more than four reads');
    assert.equal([...loadCachedProgram(root, KEY)!.bpf], [...big.bpf]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('refused entries: a symlink, readable by others, hard-linked; a store replaces them', () => {
  const root = tempRoot();
  try {
    storeCachedProgram(root, KEY, program);
    const dir = path.join(root, CACHE_DIR);
    const entry = path.join(dir, KEY);
    const text = fs.readFileSync(entry);
    // a symlink to a perfectly good entry elsewhere
    const elsewhere = path.join(root, 'elsewhere');
    fs.writeFileSync(elsewhere, text, { mode: 0o600 });
    fs.rmSync(entry);
    fs.symlinkSync(elsewhere, entry);
    assert.is(loadCachedProgram(root, KEY), undefined, 'symlink');
    storeCachedProgram(root, KEY, program);
    assert.ok(fs.lstatSync(entry).isFile(), 'the symlink itself replaced');
    assert.ok(fs.existsSync(elsewhere), 'its target untouched');
    fs.chmodSync(entry, 0o644);
    assert.is(loadCachedProgram(root, KEY), undefined, 'mode 0644');
    fs.chmodSync(entry, 0o600);
    fs.linkSync(entry, path.join(root, 'second-name'));
    assert.is(loadCachedProgram(root, KEY), undefined, 'two names');
    fs.rmSync(path.join(root, 'second-name'));
    assert.ok(loadCachedProgram(root, KEY), 'back to good');
    fs.writeFileSync(entry, text.subarray(0, 10));
    assert.is(loadCachedProgram(root, KEY), undefined, 'truncated file');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a cache directory open to others, or a symlink, is neither read nor written', () => {
  const root = tempRoot();
  try {
    storeCachedProgram(root, KEY, program);
    const dir = path.join(root, CACHE_DIR);
    fs.chmodSync(dir, 0o755);
    assert.is(loadCachedProgram(root, KEY), undefined, 'mode 0755');
    storeCachedProgram(root, 'other', program);
    assert.equal(fs.readdirSync(dir), [KEY], 'nothing written into it');
    fs.chmodSync(dir, 0o700);
    assert.ok(loadCachedProgram(root, KEY));
    const real = path.join(root, 'real');
    fs.renameSync(dir, real);
    fs.symlinkSync(real, dir);
    assert.is(loadCachedProgram(root, KEY), undefined, 'symlinked directory');
    storeCachedProgram(root, 'other', program);
    assert.equal(fs.readdirSync(real), [KEY], 'nothing written through the symlink');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test(`at most ${MAX_ENTRIES} entries: the oldest go`, () => {
  const root = tempRoot();
  try {
    const dir = path.join(root, CACHE_DIR);
    for (let i = 0; i < MAX_ENTRIES + 3; i++) {
      storeCachedProgram(root, `key${i}`, program);
      const t = new Date(Date.now() - (1000 - i) * 1000); // strictly increasing ages
      fs.utimesSync(path.join(dir, `key${i}`), t, t);
    }
    const left = fs.readdirSync(dir);
    assert.is(left.length, MAX_ENTRIES);
    assert.not.ok(left.includes('key0') || left.includes('key1') || left.includes('key2'), 'the three oldest went');
    assert.ok(left.includes(`key${MAX_ENTRIES + 2}`));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test.run();
