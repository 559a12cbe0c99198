// sys/io.ts (berth-io.node): the file calls the state store, the cgroup tree and the CLI use
// instead of node:fs. Results and errors must be what node:fs gives, since the callers check
// error codes and some messages reach the user.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { io, mkdirs, O_CLOEXEC, O_CREAT, O_RDWR, readIfExists, removeTree, writeFile } from '../../src/sys/io.js';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-io-'));
}

function nodeError(fn: () => unknown): NodeJS.ErrnoException {
  try {
    fn();
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
  throw new Error('did not throw');
}

test('readFile reads to EOF, also files that report size 0 (/proc)', () => {
  assert.match(io().readFile('/proc/self/stat'), /^\d+ \(.*\) [A-Z] /);
  assert.match(io().readFile('/proc/self/mountinfo'), /\n$/);
  const dir = tmp();
  try {
    const big = 'x'.repeat(100_000) + 'é\n';
    fs.writeFileSync(path.join(dir, 'f'), big);
    assert.is(io().readFile(path.join(dir, 'f')), big);
    assert.is(readIfExists(path.join(dir, 'missing')), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('errors have node:fs\'s code, errno, syscall, path and message', () => {
  const missing = '/nonexistent-berth-unit/x';
  const ours = nodeError(() => io().readFile(missing));
  const theirs = nodeError(() => fs.openSync(missing, 'r'));
  assert.equal([ours.code, ours.errno, ours.syscall, ours.path, ours.message], [theirs.code, theirs.errno, theirs.syscall, theirs.path, theirs.message]);
  assert.is(nodeError(() => io().rmdir(missing)).code, 'ENOENT');
  assert.is(nodeError(() => io().readdir('/etc/hostname')).code, 'ENOTDIR');
  assert.is(nodeError(() => io().readFile('/etc/hostname\0x')).name, 'TypeError', 'a NUL in a path is refused, not cut short');
});

test('readdir marks directories; stat and fstat agree with node:fs', () => {
  const dir = tmp();
  try {
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'file'), '');
    fs.symlinkSync('sub', path.join(dir, 'link'));
    assert.equal(io().readdir(dir).sort(), ['file', 'link', 'sub/']);
    const [mode, uid, ino, dev] = io().stat(dir);
    const st = fs.statSync(dir);
    assert.equal([mode, uid, ino, dev], [st.mode, st.uid, st.ino, st.dev]);
    const fd = fs.openSync(dir, 'r');
    assert.equal(io().fstat(fd).slice(0, 4), [st.mode, st.uid, st.ino, st.dev]);
    fs.closeSync(fd);
    assert.ok(io().exists(path.join(dir, 'file')));
    assert.not.ok(io().exists(path.join(dir, 'nope')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('mkdirs, writeFile, rename and removeTree', () => {
  const dir = tmp();
  try {
    const deep = path.join(dir, 'a/b/c');
    assert.ok(mkdirs(deep, 0o700));
    assert.not.ok(mkdirs(deep, 0o700), 'an existing directory is not made again');
    assert.is(fs.statSync(deep).mode & 0o777, 0o700);
    writeFile(path.join(deep, 'f'), 'one');
    writeFile(path.join(deep, 'f'), 'two');
    assert.is(fs.readFileSync(path.join(deep, 'f'), 'utf8'), 'two');
    assert.is(nodeError(() => mkdirs(path.join(deep, 'f'), 0o700)).code, 'EEXIST');
    io().rename(path.join(dir, 'a'), path.join(dir, 'z'));
    removeTree(path.join(dir, 'z'));
    removeTree(path.join(dir, 'z')); // gone: fine
    assert.equal(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('flock: a second open file description cannot take a held lock without waiting', () => {
  const dir = tmp();
  try {
    const file = path.join(dir, 'lock');
    const a = io().open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o600);
    const b = io().open(file, O_RDWR | O_CLOEXEC);
    assert.ok(io().flock(a, true, true));
    assert.not.ok(io().flock(b, true, true));
    io().close(a);
    assert.ok(io().flock(b, true, true));
    io().close(b);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
