// --pid-file: decimal digits only, no newline (containerd parses it as a plain integer),
// written to a temporary name and renamed so a reader never sees a partial file.

import { io, writeFile } from '../sys/io.js';
import * as path from '../sys/posix-path.js';

export function writePidFile(file: string, pid: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFile(tmp, String(pid), 0o644);
  io().rename(tmp, file);
}
