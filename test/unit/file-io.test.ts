// sys/io.ts (berth-io.node): the file calls the state store, the cgroup tree and the CLI use
// instead of node:fs. Results and errors must be what node:fs gives, since the callers check
// error codes and some messages reach the user.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { io, mkdirs, O_CLOEXEC, O_CREAT, O_NONBLOCK, O_RDONLY, O_RDWR, readIfExists, removeTree, writeFile } from '../../src/sys/io.js';

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
    fs.writeFileSync(path.join(dir, 'file'), 'twelve bytes');
    fs.linkSync(path.join(dir, 'file'), path.join(dir, 'second'));
    const [, , , , , nlink, size, sec, nsec] = io().stat(path.join(dir, 'file'));
    assert.equal([nlink, size], [2, 12], 'nlink and size');
    assert.is(BigInt(sec!) * 1_000_000_000n + BigInt(nsec!), fs.statSync(path.join(dir, 'file'), { bigint: true }).mtimeNs, 'mtime');
    fs.unlinkSync(path.join(dir, 'second'));
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

test('realpath resolves a chain of symlinks (relative and absolute, in the middle of a path) as node:fs does', () => {
  const dir = fs.realpathSync(tmp());
  try {
    fs.mkdirSync(path.join(dir, 'real/sub'), { recursive: true });
    fs.symlinkSync('real', path.join(dir, 'one')); // relative
    fs.symlinkSync(path.join(dir, 'one'), path.join(dir, 'two')); // absolute, to a link
    fs.symlinkSync('./two/', path.join(dir, 'three'));
    for (const p of ['three', 'three/sub', 'two/sub/..', 'one//sub/', '.']) {
      const given = path.join(dir, p);
      assert.is(io().realpath(given), fs.realpathSync(given), p);
    }
    assert.is(io().realpath(path.join(dir, 'three/sub')), path.join(dir, 'real/sub'));
    assert.is(io().realpath('/'), '/');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('realpath fails with node:fs\'s codes: missing, a file as a directory, a dangling link, a loop', () => {
  const dir = tmp();
  try {
    fs.writeFileSync(path.join(dir, 'file'), '');
    fs.symlinkSync('nowhere', path.join(dir, 'dangling'));
    fs.symlinkSync('b', path.join(dir, 'a'));
    fs.symlinkSync('a', path.join(dir, 'b'));
    for (const [p, code] of [['missing', 'ENOENT'], ['missing/x', 'ENOENT'], ['file/x', 'ENOTDIR'], ['dangling', 'ENOENT'], ['a', 'ELOOP']] as const) {
      const given = path.join(dir, p);
      const ours = nodeError(() => io().realpath(given));
      assert.is(ours.code, code, p);
      assert.is(ours.code, nodeError(() => fs.realpathSync(given)).code, `${p}: as fs.realpathSync`);
      assert.is(ours.syscall, 'realpath');
      assert.is(ours.path, given);
    }
    assert.is(nodeError(() => io().realpath('/etc\0x')).name, 'TypeError');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('readFd: one read(2) of at most max (and 4096) bytes; "" for an empty file and at EOF', () => {
  const dir = tmp();
  try {
    fs.writeFileSync(path.join(dir, 'empty'), '');
    const big = 'a'.repeat(4096) + 'b'.repeat(4096) + 'c'.repeat(100);
    fs.writeFileSync(path.join(dir, 'big'), big);
    const e = io().open(path.join(dir, 'empty'), O_RDONLY | O_CLOEXEC);
    assert.is(io().readFd(e, 4096), '');
    io().close(e);
    const fd = io().open(path.join(dir, 'big'), O_RDONLY | O_CLOEXEC);
    assert.is(io().readFd(fd, 10), 'a'.repeat(10));
    assert.is(io().readFd(fd, 0), '');
    assert.is(io().readFd(fd, 100_000), big.slice(10, 4106), 'one read, of 4096 bytes at most');
    assert.is(io().readFd(fd, 4096), big.slice(4106, 8202));
    assert.is(io().readFd(fd, 4096), 'c'.repeat(90));
    assert.is(io().readFd(fd, 4096), '', 'EOF');
    io().close(fd);
    assert.is(nodeError(() => io().readFd(fd, 1)).code, 'EBADF');
    assert.is(nodeError(() => io().readFd(0, -1)).name, 'TypeError');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('readFd on a fifo, as start reads the exec fifo: what one write(2) put there, EAGAIN when empty, "" once the writer is gone', () => {
  const dir = tmp();
  try {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const holder = io().open(fifo, O_RDWR | O_CLOEXEC); // the container's end (never blocks)
    const r = io().open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    assert.is(nodeError(() => io().readFd(r, 4096)).code, 'EAGAIN', 'nothing written yet: start treats EAGAIN as no message');
    io().write(holder, 'Eabc');
    assert.is(io().readFd(r, 4096), 'Eabc', 'a short read returns what is there, without waiting for more');
    const message = 'E' + 'x'.repeat(1022) + '\n'; // the init's longest report (native/src/child_core.c)
    io().write(holder, message);
    io().close(holder);
    assert.is(io().readFd(r, 4096), message, 'one write of less than PIPE_BUF is read whole');
    assert.is(io().readFd(r, 4096), '', 'EOF once no writer is left');
    io().close(r);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
