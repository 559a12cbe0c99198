// --pid-file: decimal digits only, no newline (containerd parses it as a plain integer),
// written to a temporary name and renamed so a reader never sees a partial file.

import { nodeFs } from '../sys/node-fs.js';
import * as path from '../sys/posix-path.js';

export function writePidFile(file: string, pid: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  nodeFs().writeFileSync(tmp, String(pid), { mode: 0o644 });
  nodeFs().renameSync(tmp, file);
}
