// How the resource code touches cgroup files. Writes never create files: on cgroupfs a
// missing file means a missing controller or feature, and that must be an error rather than a
// stray regular file. Tests hand in a double that writes into a fake tree instead.

import { io, O_CLOEXEC, O_TRUNC, O_WRONLY, readIfExists } from '../../sys/io.js';
import * as path from '../../sys/posix-path.js';
import { ConfigError } from '../../errors.js';

export interface CgroupFiles {
  /** Write value to file (O_WRONLY|O_TRUNC, no O_CREAT); throws an errno error. */
  write(file: string, value: string): void;
  /** The file's text, or undefined when it cannot be read. */
  read(file: string): string | undefined;
  exists(file: string): boolean;
}

export const realCgroupFiles: CgroupFiles = {
  write(file, value) {
    const f = io();
    const fd = f.open(file, O_WRONLY | O_TRUNC | O_CLOEXEC);
    try {
      f.write(fd, value);
    } finally {
      f.close(fd);
    }
  },
  read(file) {
    return readIfExists(file);
  },
  exists: (file) => io().exists(file),
};

/** The errno text of a failed write: "EINVAL (Invalid argument)" style, as short as node has it. */
export function errText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(err);
}

/**
 * One cgroup directory, with writes whose failures name the config.json field behind them.
 * `at` is the JSON pointer of the value being written.
 */
export class CgroupDir {
  constructor(readonly dir: string, readonly files: CgroupFiles) {}

  file(name: string): string {
    return path.join(this.dir, name);
  }

  has(name: string): boolean {
    return this.files.exists(this.file(name));
  }

  read(name: string): string | undefined {
    return this.files.read(this.file(name))?.trim();
  }

  write(at: string, name: string, value: string): void {
    try {
      this.files.write(this.file(name), value);
    } catch (err) {
      const why = errText(err) === 'ENOENT' ? 'the file does not exist (controller or feature missing on this host)' : errText(err);
      throw new ConfigError(at, `cannot write "${value}" to ${this.file(name)}: ${why}`);
    }
  }
}
