// The synchronous file system calls of the state store, the cgroup tree and the CLI's output,
// through berth-io.node (native/src/io.c): a C-only Node-API module that links nothing but
// libc. Not node:fs, which Bun compiles at first use (~10 ms of every command's start-up), and
// not the main addon, whose libstdc++ and libseccomp cost ~3 ms to load (docs/performance.md,
// "Start-up"). It is a Node-API module, so the same code runs under Node (tests, the library).
// Errors have node:fs's shape: code ("ENOENT"), errno, syscall, path.

import { addonDir } from './addon-path.js';

export interface FileIo {
  /** the whole file as UTF-8 (read to EOF: /proc and cgroup files report size 0) */
  readFile(path: string): string;
  /** names in the directory; a directory's name ends in "/" */
  readdir(path: string): string[];
  /** [mode, uid, ino, dev, rdev, nlink, size, mtime seconds, mtime nanoseconds] */
  stat(path: string): number[];
  fstat(fd: number): number[];
  /** access(F_OK) */
  exists(path: string): boolean;
  open(path: string, flags: number, mode?: number): number;
  close(fd: number): void;
  /** writes all of text */
  write(fd: number, text: string): void;
  fsync(fd: number): void;
  /** false when nonBlocking and the lock is held elsewhere */
  flock(fd: number, exclusive: boolean, nonBlocking: boolean): boolean;
  mkdir(path: string, mode: number): void;
  rmdir(path: string): void;
  unlink(path: string): void;
  rename(from: string, to: string): void;
  /** realpath(3): symlinks resolved; errors as fs.realpathSync's (ENOENT, ENOTDIR, ELOOP) */
  realpath(path: string): string;
  /** one read(2) of at most max (<= 4096) bytes, as UTF-8; "" at EOF (native/src/io.c says why one) */
  readFd(fd: number, max: number): string;
}

/** open(2) flags of Linux; arm and arm64 number O_DIRECTORY and O_NOFOLLOW differently (asm/fcntl.h). */
const ARM = process.arch === 'arm64' || process.arch === 'arm';
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DIRECTORY = ARM ? 0o40000 : 0o200000;
export const O_NOFOLLOW = ARM ? 0o100000 : 0o400000;
export const O_CLOEXEC = 0o2000000;
export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFREG = 0o100000;

/** A directory, by the mode stat or fstat gives. */
export function isDirectoryMode(mode: number): boolean {
  return (mode & S_IFMT) === S_IFDIR;
}

let loaded: FileIo | undefined;

export function io(): FileIo {
  if (!loaded) {
    const mod = { exports: {} as FileIo };
    process.dlopen(mod, `${addonDir()}/berth-io.node`);
    loaded = mod.exports;
  }
  return loaded;
}

export function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** The file's text, or undefined when it cannot be read. */
export function readIfExists(path: string): string | undefined {
  try {
    return io().readFile(path);
  } catch {
    return undefined;
  }
}

/** Creates text (or replaces a file's content): O_WRONLY|O_CREAT|O_TRUNC, as fs.writeFileSync. */
export function writeFile(path: string, text: string, mode = 0o666): void {
  const f = io();
  const fd = f.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  try {
    f.write(fd, text);
  } finally {
    f.close(fd);
  }
}

/** mkdir -p; true when `dir` itself was made, false when it existed (as fs.mkdirSync recursive). */
export function mkdirs(dir: string, mode: number): boolean {
  const f = io();
  try {
    f.mkdir(dir, mode);
    return true;
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EEXIST') {
      if (!isDirectoryMode(f.stat(dir)[0]!)) throw err;
      return false;
    }
    if (code !== 'ENOENT') throw err;
  }
  const parent = dir.replace(/\/+[^/]*\/*$/, '') || '/';
  if (parent === dir) throw new Error(`cannot make ${dir}`);
  mkdirs(parent, mode);
  return mkdirs(dir, mode);
}

/** rm -rf: a missing path is fine. */
export function removeTree(path: string): void {
  const f = io();
  let names: string[];
  try {
    names = f.readdir(path);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') return;
    if (code !== 'ENOTDIR') throw err;
    f.unlink(path);
    return;
  }
  for (const name of names) {
    if (name.endsWith('/')) removeTree(`${path}/${name.slice(0, -1)}`);
    else {
      try {
        f.unlink(`${path}/${name}`);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
      }
    }
  }
  try {
    f.rmdir(path);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}
